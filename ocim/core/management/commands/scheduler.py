"""The scheduler: enqueue the periodic jobs that are due, forever (or once, for cron)."""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from ocim.core.scheduler import periodic_registry, run_due_jobs


class Command(BaseCommand):
    help = (
        "Enqueue the periodic jobs that are due, every --interval seconds, until SIGINT or "
        "SIGTERM. Run exactly one per deployment (a second one does no harm: runs are claimed "
        "in the database). Use --once from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=30.0,
            help="Seconds between two checks (default: 30).",
        )
        parser.add_argument(
            "--once", action="store_true", help="Enqueue what is due now, then exit."
        )

    def handle(self, *args, interval, once, **options):
        if interval <= 0:
            raise CommandError("--interval must be a positive number of seconds.")
        if once:
            self._enqueue_due()
            return
        stop = threading.Event()

        def request_stop(signum, frame):
            self.stdout.write(f"Received {signal.Signals(signum).name}; stopping the scheduler.")
            stop.set()

        previous = {
            signum: signal.signal(signum, request_stop)
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        jobs = ", ".join(job.name for job in periodic_registry.jobs()) or "none"
        self.stdout.write(f"Scheduler started (every {interval:g} s); jobs: {jobs}.")
        try:
            while not stop.is_set():
                try:
                    # A long-running process must not keep a connection the server dropped.
                    close_old_connections()
                    self._enqueue_due()
                except Exception as exc:  # a database blip must not kill the scheduler
                    self.stderr.write(f"Scheduler tick failed: {exc!r}; retrying.")
                stop.wait(interval)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            close_old_connections()
        self.stdout.write("Scheduler stopped.")

    def _enqueue_due(self):
        for run in run_due_jobs():
            self.stdout.write(f"Enqueued {run.job.name} (task {run.task_id}).")
