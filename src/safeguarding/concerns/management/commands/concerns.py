from django.core.management.base import BaseCommand, CommandError

from safeguarding.concerns import reporting


class Command(BaseCommand):
    help = (
        "concerns retry: make the concern of every report stored without one (when making it "
        "failed as the report arrived). Reports that fail again stay waiting. See "
        "docs/concerns.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["retry"])

    def handle(self, *args, action, **options):
        retried = reporting.retry_waiting_reports()
        self.stdout.write(
            f"{retried.made} report(s) made concerns; {retried.failed} still waiting."
        )
        if retried.failed:
            raise CommandError("Some reports are still waiting: the log above says why.")
