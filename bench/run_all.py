"""Run every benchmark script in bench/ (``*_bench.py``) one after the other.

Each script is run in its own process with the same interpreter; the run fails when one does.
Extra arguments are passed to every script (e.g. ``--seconds 5 --no-record``), so only options
that every script accepts belong here. ``registration_bench.py``, ``publishing_bench.py`` and
``inventory_bench.py`` need a PostgreSQL server (``BENCH_POSTGRES_URL``, default
``postgres://postgres@127.0.0.1:5432``), ``import_bench.py`` too (``--server``, same default);
``publishing_bench.py`` seeds 20,000 articles and ``inventory_bench.py`` 100,000 actors (a few
minutes each) before they measure.
"""

import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    scripts = sorted(BENCH_DIR.glob("*_bench.py"))
    if not scripts:
        print("no benchmark script found in bench/", file=sys.stderr)
        return 1
    failures = []
    for script in scripts:
        print(f"\n=== {script.name} ===", flush=True)
        began = time.monotonic()
        code = subprocess.call([sys.executable, str(script), *argv], cwd=BENCH_DIR.parent)
        print(f"=== {script.name}: exit {code} in {time.monotonic() - began:.0f} s", flush=True)
        if code:
            failures.append(script.name)
    if failures:
        print(f"failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
