"""`make run` starts the web server, the worker and the scheduler; Ctrl-C stops all three."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _descendants(pid):
    """Every live process whose ancestry leads to ``pid`` (read from /proc)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        children = {child for child, parent in parents.items() if parent in frontier}
        frontier = children - found
        found |= children
    return found


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc to follow child processes")
def test_ctrl_c_stops_web_server_worker_and_scheduler(tmp_path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ocim.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        "REDIS_URL": "",
    }
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    subprocess.run(
        [*manage, "migrate", "--noinput"],
        env=environment,
        check=True,
        capture_output=True,
        timeout=300,
    )
    port = _free_port()
    platform = subprocess.Popen(
        [*manage, "run_platform", "--port", str(port)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline and health is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    health = r.read().decode()
            except OSError:
                time.sleep(0.5)
        assert health is not None, "the web server never answered"
        assert '"tasks": {"ok": true}' in health
        commands = []
        for pid in _descendants(platform.pid):
            try:
                with open(f"/proc/{pid}/cmdline") as cmdline:
                    commands.append(cmdline.read().replace("\0", " "))
            except OSError:
                continue
        for expected in ("runserver", "db_worker", "scheduler"):
            assert any(expected in command for command in commands), (expected, commands)
        started = _descendants(platform.pid)

        platform.send_signal(signal.SIGINT)  # what Ctrl-C delivers to the command
        assert platform.wait(timeout=30) == 0
        time.sleep(0.5)
        assert [pid for pid in started if _alive(pid)] == []
    finally:
        if platform.poll() is None:
            platform.kill()
