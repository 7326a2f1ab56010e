from django.core.management.base import BaseCommand, CommandError

from safeguarding.access.audit import verify_chain
from safeguarding.access.models import AuditEvent


class Command(BaseCommand):
    help = "Work with the audit trail. `audit verify` checks that no event was altered or removed."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        problems = list(verify_chain())
        for problem in problems:
            self.stderr.write(f"Audit event {problem.sequence}: {problem.reason}")
        if problems:
            raise CommandError(
                f"The audit trail has been tampered with: {len(problems)} problem(s)."
            )
        self.stdout.write(
            f"The audit trail is intact: {AuditEvent.objects.count()} events checked."
        )
