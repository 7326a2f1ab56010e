import getpass

from django.core.management.base import BaseCommand, CommandError

from safeguarding.access import two_factor
from safeguarding.access.models import User


class Command(BaseCommand):
    help = (
        "Reset a user's two-factor authentication (a lost or new phone): their authenticator and "
        "recovery codes are removed and their sessions end. Audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        removed = two_factor.reset_two_factor(
            user=user, operator=f"command line ({getpass.getuser()})"
        )
        self.stdout.write(
            f"Reset two-factor authentication for {username} ({removed} device(s) removed): "
            "they set it up again at their next sign-in."
        )
