"""Start the web server, the task worker and the scheduler together; Ctrl-C stops all three."""

import contextlib
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

STOP_GRACE_SECONDS = 10


class Command(BaseCommand):
    help = "Run the development web server, the task worker and the scheduler in one terminal."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument(
            "--noreload", action="store_true", help="Do not restart the web server on code changes."
        )

    def handle(self, *args, host, port, noreload, **options):
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        if settings.TASKS["default"]["BACKEND"].startswith("django_tasks_rq"):
            queues = list(settings.RQ_QUEUES)
            worker = [*manage, "rqworker", "--job-class", "django_tasks_rq.Job", *queues]
        else:
            worker = [*manage, "db_worker", "--queue-name", "*"]
        web = [*manage, "runserver", f"{host}:{port}", *(["--noreload"] if noreload else [])]
        commands = {"web": web, "worker": worker, "scheduler": [*manage, "scheduler"]}

        processes = {}
        for name, command in commands.items():
            self.stdout.write(f"[{name}] {' '.join(command[1:])}")
            # Each child leads its own process group, so that stopping it also stops what it
            # started (runserver's auto-reloading child) and nothing outlives this command.
            processes[name] = subprocess.Popen(command, start_new_session=True)  # noqa: S603
        self.stdout.write(
            self.style.SUCCESS(f"Ocim is running at http://{host}:{port}/ (Ctrl-C stops)")
        )

        interrupted = False

        def on_signal(signum, frame):
            nonlocal interrupted
            interrupted = True

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        failed = None
        while not interrupted and failed is None:
            for name, process in processes.items():
                if process.poll() is not None:
                    failed = (name, process.returncode)
                    break
            time.sleep(0.2)
        if failed is not None:
            self.stderr.write(f"[{failed[0]}] exited with code {failed[1]}; stopping the others.")

        self._stop(processes)
        self.stdout.write("Stopped.")
        if failed is not None:
            sys.exit(failed[1] or 1)

    def _stop(self, processes):
        for process in processes.values():
            self._signal_group(process, signal.SIGINT)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for process in processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            # Whatever is left of the group (a reloader's child, a forked RQ work horse) goes.
            self._signal_group(process, signal.SIGKILL)
            process.wait()

    @staticmethod
    def _signal_group(process, signum):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)
