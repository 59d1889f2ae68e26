"""Import of 100,000 actors on PostgreSQL, against a bare bulk insert of the same rows.

Run on its own (``python bench/import_bench.py``), never by the test suite.

1. Set-up (not timed): a PostgreSQL database of its own (``--server``/``--database``; created
   and migrated unless ``--reuse-database``), the real territories loaded, and a generated CSV
   of ``--rows`` actors (semicolons, UTF-8 with BOM, French headers; every commune of France
   drawn by population, half the rows with coordinates, a valid SIRET on a third, three labels
   spread over the rows).
2. Bare bulk insert: the same rows as ``Actor`` objects built without any check, inserted with
   ``bulk_create`` in one transaction, then rolled back. It sets the floor: what the database
   costs for these rows alone. The dead rows the rollbacks leave are vacuumed (not timed).
3. The import as staff run it, through the services the admin views and the two background
   tasks call, in this process one after the other: upload (read, detect, keep the file), the
   check of every row (the preview task: duplicates looked up, progress reported), the commit
   (the import task: rows checked again, actors cleaned, placed, validated and written with one
   revision each, the directory's index and counts, all in one transaction).
4. Goal: upload + check + commit ≤ 30 s (``--goal-seconds``). The run fails when it is missed,
   unless ``--no-goal``. Results are recorded in docs/benchmarks.md (latest run + history line)
   unless ``--no-record``.

In-process on purpose: the time is the tasks' work; through gunicorn and a worker the same
work adds the upload's HTTP transfer and the worker's polling interval (1 s by default), which
belong to the deployment, not to the import.

The script sets its own environment (``ocim.settings.bench``, ``DATABASE_URL``, no Redis).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.http_bench import doc_update, machine_facts  # noqa: E402
from bench.registration_bench import database_drop, database_recreate, database_url  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
START_MARK = "<!-- import_bench:latest:start -->"
END_MARK = "<!-- import_bench:latest:end -->"
HISTORY_MARK = "<!-- import_bench:history:next -->"

HEADERS = [
    "Identifiant", "Nom", "Type", "Adresse", "Code postal", "Commune", "Latitude", "Longitude",
    "SIRET", "Site web", "Courriel", "Année de création", "Statut", "Labels",
]  # fmt: skip
WORDS = [
    "Muséum",
    "Jardin",
    "Planétarium",
    "Centre",
    "Maison",
    "Observatoire",
    "Espace",
    "Cité",
    "Atelier",
    "Fabrique",
    "Musée",
    "Aquarium",
    "Arboretum",
    "Conservatoire",
    "Laboratoire",
    "Galerie",
    "Pavillon",
    "Forum",
]
TOPICS = [
    "des sciences",
    "de la nature",
    "du ciel",
    "des étoiles",
    "des plantes",
    "de la mer",
    "des volcans",
    "de la préhistoire",
    "des techniques",
    "du vivant",
    "de la santé",
    "des minéraux",
    "de l'énergie",
]


def _siret(rng: random.Random) -> str:
    body = "".join(rng.choice("0123456789") for _ in range(13))
    for check in "0123456789":
        digits = body + check
        total = 0
        for index, char in enumerate(reversed(digits)):
            number = int(char) * (2 if index % 2 else 1)
            total += number - 9 if number > 9 else number
        if total % 10 == 0:
            return digits
    raise AssertionError


def csv_generate(rows: int, seed: int = 5) -> bytes:
    """A realistic import file of ``rows`` actors (see the module's docstring)."""
    from ocim.core.models import Commune
    from ocim.inventory.models import ActorType, Label

    rng = random.Random(seed)
    types = list(ActorType.objects.values_list("name_fr", flat=True))
    labels = list(Label.objects.values_list("name", flat=True)[:3])
    communes = list(
        Commune.objects.filter(postal_codes__isnull=False)
        .values_list("insee_code", "name", "population", "latitude", "longitude")
        .distinct()
    )
    postal = {}
    from ocim.core.models import CommunePostalCode

    for code, insee in CommunePostalCode.objects.values_list("code", "commune_id"):
        postal.setdefault(insee, code)
    weights = [max(population, 50) for _i, _n, population, _la, _lo in communes]
    chosen = rng.choices(communes, weights=weights, k=rows)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for number, (insee, name, _population, latitude, longitude) in enumerate(chosen, start=1):
        with_point = number % 2 == 0 and latitude is not None
        writer.writerow(
            [
                f"B{number:06d}",
                f"{rng.choice(WORDS)} {rng.choice(TOPICS)} {number}",
                rng.choice(types),
                f"{rng.randint(1, 200)} rue {rng.choice(['Pasteur', 'Curie', 'Buffon'])}",
                postal.get(insee, ""),
                insee if number % 3 else name,
                f"{latitude + rng.uniform(-0.01, 0.01):.5f}" if with_point else "",
                f"{longitude + rng.uniform(-0.01, 0.01):.5f}" if with_point else "",
                _siret(rng) if number % 3 == 0 else "",
                f"https://acteur{number}.example.org" if number % 4 == 0 else "",
                f"contact{number}@example.org" if number % 5 == 0 else "",
                str(rng.randint(1800, 2023)) if number % 2 else "",
                "ouvert" if number % 20 else "fermé",
                labels[number % len(labels)] if labels and number % 7 == 0 else "",
            ]
        )
    return "\ufeff".join(["", out.getvalue()]).encode("utf-8")


class CpuClock:
    """CPU seconds spent by this process and by its PostgreSQL backend (read from /proc: the
    server runs on this machine). On a busy machine the wall clock measures the neighbours
    too; the CPU seconds measure the work, and their sum is what the wall clock would show on
    an idle machine (the client waits for the server most of the time)."""

    def __init__(self):
        from django.db import connection

        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.backend = cursor.fetchone()[0]

    def backend_seconds(self) -> float:
        try:
            fields = Path(f"/proc/{self.backend}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def now(self) -> tuple[float, float, float]:
        return time.perf_counter(), time.process_time(), self.backend_seconds()

    @staticmethod
    def since(start) -> dict:
        wall, python, server = CpuClock.now(CLOCK)
        return {
            "wall": wall - start[0],
            "python_cpu": python - start[1],
            "postgres_cpu": server - start[2],
        }


CLOCK: CpuClock


def _show(label: str, measure: dict) -> str:
    return (
        f"{label}: wall {measure['wall']:.2f} s, CPU {measure['python_cpu']:.2f} s Python + "
        f"{measure['postgres_cpu']:.2f} s PostgreSQL = "
        f"{measure['python_cpu'] + measure['postgres_cpu']:.2f} s"
    )


def bare_bulk_insert(data: bytes) -> tuple[dict, int]:
    """The same rows inserted as they come (no checks, no history), then rolled back: once
    with ``bulk_create``, once with ``COPY``; each time includes building the objects."""
    from django.db import transaction

    from ocim.core.selectors import normalize_search_text
    from ocim.inventory.imports import Context, read_table
    from ocim.inventory.models import Actor
    from ocim.inventory.services_import import bulk_insert

    table = read_table(data, "bench.csv")
    ctx = Context()
    by_name = {name: insee for insee, (name, *_rest) in ctx.communes.items()}
    start = CLOCK.now()
    actors = []
    for number, row in enumerate(table.rows):
        (source_id, name, type_name, street, postal_code, commune, lat, lon, siret, website,
         email, year, status, _labels) = row  # fmt: skip
        insee = commune if commune in ctx.communes else by_name.get(commune)
        type_id = ctx.types[normalize_search_text(type_name)]
        _cname, _clat, _clon, department, region = ctx.communes[insee]
        actors.append(
            Actor(
                name=name, slug=f"bench-{number}", type_id=type_id,
                family_id=ctx.type_family[type_id], street=street, postal_code=postal_code,
                commune_id=insee, department_id=department, region_id=region,
                latitude=float(lat) if lat else None, longitude=float(lon) if lon else None,
                siret=siret, website=website, email=email,
                year_founded=int(year) if year else None,
                status="closed" if status == "fermé" else "open", source="bare",
                source_id=source_id,
            )
        )  # fmt: skip
    built = CpuClock.since(start)
    timings = {}
    for method in ("bulk_create", "copy"):
        for actor in actors:
            actor.pk = None
            actor._state.adding = True
        with transaction.atomic():
            start = CLOCK.now()
            if method == "copy":
                bulk_insert(Actor, actors)
            else:
                Actor.objects.bulk_create(actors, batch_size=2000)
            measure = CpuClock.since(start)
            timings[method] = {key: built[key] + measure[key] for key in measure}
            count = Actor.objects.filter(source="bare").count()
            transaction.set_rollback(True)
    return timings, count


def import_run_timed(data: bytes) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ocim.inventory import services_import
    from ocim.inventory.models import Actor, ActorRevision, ImportJob

    timings = {}
    start = CLOCK.now()
    job = services_import.import_job_create(
        uploaded_file=SimpleUploadedFile("bench.csv", data), source="bench"
    )
    timings["upload"] = CpuClock.since(start)
    start = CLOCK.now()
    job = services_import.import_preview(job=job, mapping=job.mapping)
    timings["preview"] = CpuClock.since(start)
    preview = job.report["preview"]
    services_import.import_queue(job=job, decisions={}, skip_invalid_rows=True)
    # The queued tasks are run here, in turn, as a worker would (none runs during the run).
    start = CLOCK.now()
    status = services_import.import_run(job.pk)
    timings["commit"] = CpuClock.since(start)
    job = ImportJob.objects.get(pk=job.pk)
    return {
        "status": status,
        "timings": timings,
        "preview": {key: preview[key] for key in ("rows", "valid_rows", "invalid_rows", "new")},
        "outcome": job.report.get("outcome") or job.report.get("failure"),
        "actors": Actor.objects.filter(source="bench").count(),
        "revisions": ActorRevision.objects.filter(source="import").count(),
    }


def record(report: dict) -> None:
    facts = report["machine"]
    rows = [
        ("bare `bulk_create` of the same rows", report["bare"]["bulk_create"]),
        ("bare `COPY` of the same rows", report["bare"]["copy"]),
        ("import: upload", report["import"]["upload"]),
        ("import: check of every row (preview task)", report["import"]["preview"]),
        ("import: commit (import task)", report["import"]["commit"]),
    ]
    lines = [
        "| step | wall s | CPU s (Python + PostgreSQL) |",
        "|---|---:|---|",
        *(
            f"| {label} | {m['wall']:.1f} | {m['python_cpu']:.1f} + {m['postgres_cpu']:.1f} |"
            for label, m in rows
        ),
        f"| **import end to end** | **{report['total']:.1f}** | |",
    ]
    latest = "\n".join(
        [
            START_MARK,
            f"Run of {report['date']} on {facts['cpus']} CPU(s) ({facts['cpu_model']}); "
            f"PostgreSQL {report['postgresql']}; load average before the run: "
            f"{facts['load_average_1min']}. {report['rows']:,} rows ({report['megabytes']:.1f} "
            f"MB); outcome: {report['outcome']}.",
            "",
            *lines,
            "",
            f"Goal: upload + check + commit ≤ {report['goal']:.0f} s: "
            f"**{'PASS' if report['met'] else 'FAIL'}**.",
            END_MARK,
        ]
    )
    history = (
        f"| {report['date']} | {facts['load_average_1min']} | {report['rows']:,} | "
        f"{report['bare']['bulk_create']['wall']:.1f} | {report['bare']['copy']['wall']:.1f} | "
        f"{report['import']['preview']['wall']:.1f} | {report['import']['commit']['wall']:.1f} | "
        f"{report['total']:.1f} | {'PASS' if report['met'] else 'FAIL'} |"
    )
    doc_update(DOC, marks=(START_MARK, END_MARK, HISTORY_MARK), latest=latest, history_line=history)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="ocim_bench_import")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--reuse-database", action="store_true")
    parser.add_argument("--keep-database", action="store_true", help="do not drop it at the end")
    parser.add_argument("--goal-seconds", type=float, default=30.0)
    parser.add_argument("--no-goal", action="store_true", help="report the goal, never fail")
    parser.add_argument("--no-record", action="store_true", help="do not touch docs/")
    # Accepted for bench/run_all.py, which passes the same options to every script.
    parser.add_argument("--seconds", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.database.startswith("ocim_bench_"):
        parser.error("--database must start with ocim_bench_")

    facts = machine_facts()
    os.environ["DJANGO_SETTINGS_MODULE"] = "ocim.settings.bench"
    os.environ["DATABASE_URL"] = database_url(args.server, args.database)
    os.environ.pop("REDIS_URL", None)
    if not args.reuse_database:
        database_recreate(args.server, args.database)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from ocim.core.services import territories_load
    from ocim.inventory.models import Actor

    try:
        if not args.reuse_database:
            call_command("migrate", verbosity=0)
        territories_load()
        Actor.objects.filter(source__in=["bench", "bare"]).delete()
        data = csv_generate(args.rows)
        print(f"PostgreSQL {connection.pg_version}; {args.rows} rows, {len(data) / 1e6:.1f} MB")

        global CLOCK
        CLOCK = CpuClock()
        print(f"load average before: {os.getloadavg()}")
        bare_timings, count = bare_bulk_insert(data)
        print(f"bare bulk insert of the same {count} rows (objects built, inserted, rolled back):")
        print(_show("  bulk_create", bare_timings["bulk_create"]))
        print(_show("  COPY", bare_timings["copy"]))
        # The two rolled-back inserts left 200,000 dead rows in the actors' table and its
        # indexes, which the import's lookups and inserts would walk through (a cost of this
        # script, not of an import): cleared before the import, outside the timings.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM inventory_actor")
        result = import_run_timed(data)
        for phase in ("upload", "preview", "commit"):
            print(_show(f"import {phase}", result["timings"][phase]))
        summary = {
            key: result[key] for key in ("status", "preview", "outcome", "actors", "revisions")
        }
        print(summary)
        print(f"load average after: {os.getloadavg()}")
        pg_version = connection.pg_version
    finally:
        if not args.keep_database:
            connections.close_all()
            database_drop(args.server, args.database)
    total = sum(result["timings"][phase]["wall"] for phase in ("upload", "preview", "commit"))
    met = total <= args.goal_seconds and result["status"] == "done"
    verdict = "PASS" if met else "FAIL"
    print(f"import end to end: {total:.1f} s (goal {args.goal_seconds:.0f} s): {verdict}")
    outcome = result["outcome"] or {}
    report = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": facts,
        "postgresql": f"{pg_version // 10000}.{pg_version % 10000}",
        "rows": args.rows,
        "megabytes": len(data) / 1e6,
        "bare": bare_timings,
        "import": result["timings"],
        "total": total,
        "goal": args.goal_seconds,
        "met": met,
        "outcome": (
            f"{outcome.get('created', 0):,} actors created, "
            f"{outcome.get('skipped_invalid', 0):,} rows with errors skipped, "
            f"{result['revisions']:,} revisions"
        ),
    }
    if not args.no_record:
        record(report)
    return 0 if met or args.no_goal else 1


if __name__ == "__main__":
    sys.exit(main())
