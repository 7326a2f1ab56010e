import datetime

from django.core.management.base import BaseCommand, CommandError

from safeguarding.access.break_glass import BreakGlassError, grant
from safeguarding.access.models import AuditObject


class Command(BaseCommand):
    help = (
        "Let one user open one person's record they otherwise may not, for a stated reason and "
        "a short time (default 60 minutes). Audited; see docs/security.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--person", type=int, required=True, help="the person's Hub id")
        parser.add_argument("--reason", required=True)
        parser.add_argument("--minutes", type=int, default=60)

    def handle(self, *args, username, person, reason, minutes, **options):
        try:
            made = grant(
                username=username,
                object_type=AuditObject.PERSON,
                object_id=str(person),
                reason=reason,
                duration=datetime.timedelta(minutes=minutes),
            )
        except BreakGlassError as problem:
            raise CommandError(str(problem)) from problem
        self.stdout.write(
            f"{username} may open Hub id {person} until {made.expires_at:%Y-%m-%d %H:%M %Z}. "
            "Every view is audited as break-glass."
        )
