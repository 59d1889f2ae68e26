"""Start the web server, the task worker and the scheduler together; Ctrl-C stops all three."""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the development web server, the task worker and the scheduler in one terminal."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        if settings.TASKS["default"]["BACKEND"].startswith("django_tasks_rq"):
            worker = [
                *manage,
                "rqworker",
                "--job-class",
                "django_tasks_rq.Job",
                *settings.RQ_QUEUES,
            ]
        else:
            worker = [*manage, "db_worker", "--queue-name", "*"]
        commands = {
            "web": [*manage, "runserver", f"{host}:{port}"],
            "worker": worker,
            "scheduler": [*manage, "scheduler"],
        }
        processes = {}
        for name, command in commands.items():
            self.stdout.write(f"[{name}] {' '.join(command[1:])}")
            processes[name] = subprocess.Popen(command)  # noqa: S603 - our own manage.py
        self.stdout.write(
            self.style.SUCCESS(f"Ocim is running at http://{host}:{port}/ (Ctrl-C stops)")
        )

        def stop(*_):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        try:
            while True:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"[{name}] exited with {process.returncode}; stopping.")
                        exit_code = process.returncode or 1
                        raise KeyboardInterrupt
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)
            deadline = time.monotonic() + 10
            for process in processes.values():
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()
        self.stdout.write("Stopped.")
        sys.exit(exit_code)
