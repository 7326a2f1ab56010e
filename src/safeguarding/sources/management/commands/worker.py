import signal
import threading

from django.core.management.base import BaseCommand

from safeguarding.sources.models import ImportBatch, ImportStatus
from safeguarding.sources.task_backend import abandon_interrupted_tasks, work


class Command(BaseCommand):
    help = (
        "Run background tasks (imports uploaded on the Imports page) as they are queued. "
        "Run one worker per site; `--burst` runs what is waiting, then stops."
    )

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="stop when nothing is waiting")

    def handle(self, *args, burst, **options):
        interrupted = abandon_interrupted_tasks()
        # An import's work was one transaction, undone when its worker stopped.
        stale = ImportBatch.objects.filter(status=ImportStatus.RUNNING).update(
            status=ImportStatus.FAILED,
            error="The import was interrupted (its worker stopped); nothing from this file was "
            "stored. Upload it again.",
        )
        if interrupted or stale:
            self.stderr.write(f"Marked {stale} interrupted import(s) as failed.")
        stop = threading.Event()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signal_number, lambda *_: stop.set())
        ran = work(stop=stop, burst=burst)
        self.stdout.write(f"Worker stopped after {ran} task(s).")
