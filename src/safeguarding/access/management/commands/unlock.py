import getpass

from django.core.management.base import BaseCommand, CommandError

from safeguarding.access import lockout
from safeguarding.access.models import User


class Command(BaseCommand):
    help = (
        "Unlock sign-in after repeated failures: `unlock USERNAME`, `unlock --address IP`, "
        "or `unlock --list` to see what is locked. Every unlock is audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?")
        parser.add_argument("--address", help="unlock a network address instead")
        parser.add_argument("--list", action="store_true", help="list current lock-outs")

    def handle(self, *args, username, address, list, **options):
        if list:
            locks = lockout.current_locks()
            for lock in locks:
                until = lock.until.strftime("%Y-%m-%d %H:%M")
                self.stdout.write(
                    f"{lock.kind} {lock.value}: {lock.failures} failures, until {until}"
                )
            self.stdout.write(f"{len(locks)} lock-out(s).")
            return
        if not username and not address:
            raise CommandError("Give a USERNAME, --address IP or --list.")
        operator = f"command line ({getpass.getuser()})"
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user is called {username!r}.")
            cleared = lockout.unlock_account(user=user, operator=operator)
            self.stdout.write(f"Unlocked {username}: {cleared} record(s) of failures cleared.")
        if address:
            cleared = lockout.unlock_address(address=address, operator=operator)
            self.stdout.write(f"Unlocked {address}: {cleared} record(s) of failures cleared.")
