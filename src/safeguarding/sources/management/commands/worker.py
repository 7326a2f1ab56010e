from django.core.management import call_command
from django.core.management.base import BaseCommand

from safeguarding.common.priority import run_as_batch
from safeguarding.sources.background import abandon_interrupted_imports


class Command(BaseCommand):
    help = (
        "Run background tasks (imports uploaded on the Imports page) as they are queued, with "
        "django-tasks-db's worker. Run one worker per site; `--burst` runs what is waiting, "
        "then stops."
    )

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="stop when nothing is waiting")

    def handle(self, *args, burst, **options):
        run_as_batch()  # pages first (common/priority.py)
        stale = abandon_interrupted_imports()
        if stale:
            self.stderr.write(f"Marked {stale} interrupted import(s) as failed.")
        call_command(
            "db_worker",
            batch=burst,
            startup_delay=False,
            reload=False,
            verbosity=options["verbosity"],
        )
