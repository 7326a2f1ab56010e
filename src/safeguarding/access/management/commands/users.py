import sys

from django.core.management.base import BaseCommand, CommandError

from safeguarding.access.administration import AdministrationError, add_user, disable_user
from safeguarding.access.models import User
from safeguarding.access.roles import ROLES


class Command(BaseCommand):
    help = (
        "Users: `users list`, `users add USERNAME --agency CODE --role ROLE` (prints a password "
        "to hand over once, or reads one from stdin with --password-stdin), `users disable "
        "USERNAME`. Never a superuser; every change audited."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("list", help="every user: agency, roles, active")
        add = actions.add_parser("add", help="add a user (audited)")
        add.add_argument("username")
        add.add_argument("--agency", required=True, help="the agency's code (see `agencies list`)")
        add.add_argument(
            "--role", action="append", required=True, choices=list(ROLES), dest="roles"
        )
        add.add_argument("--first-name", default="")
        add.add_argument("--last-name", default="")
        add.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from standard input instead of generating one",
        )
        disable = actions.add_parser("disable", help="stop a user signing in; ends their sessions")
        disable.add_argument("username")

    def handle(self, *args, action, **options):
        try:
            if action == "add":
                self._add(options)
            elif action == "disable":
                user = disable_user(username=options["username"])
                self.stdout.write(f"Disabled {user.username}; their sessions have ended.")
            else:
                self._list()
        except AdministrationError as error:
            raise CommandError(str(error)) from error

    def _add(self, options) -> None:
        password = None
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
        made = add_user(
            username=options["username"],
            agency_code=options["agency"],
            roles=options["roles"],
            first_name=options["first_name"],
            last_name=options["last_name"],
            password=password,
        )
        user = made.user
        self.stdout.write(f"Added {user.username} ({', '.join(user.role_labels)}, {user.agency}).")
        if made.password:
            self.stdout.write(
                f"Password: {made.password}\nGive it to them once, by a safe route; it is not "
                "shown again. They set up two-factor authentication when they first sign in."
            )

    def _list(self) -> None:
        users = (
            User.objects.select_related("agency").prefetch_related("groups").order_by("username")
        )
        for user in users:
            roles = ", ".join(sorted(group.name for group in user.groups.all())) or "no role"
            state = "active" if user.is_active else "disabled"
            self.stdout.write(f"{user.username:<24}{str(user.agency or ''):<40}{roles:<32}{state}")
        self.stdout.write(f"{len(users)} user(s).")
