from django.core.management.base import BaseCommand, CommandError

from safeguarding.access.administration import AdministrationError, add_agency
from safeguarding.access.models import Agency, AgencyKind


class Command(BaseCommand):
    help = "The partner agencies: `agencies list`, `agencies add CODE --name NAME --kind KIND`."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("list", help="every agency, with its users")
        add = actions.add_parser("add", help="add an agency (audited)")
        add.add_argument("code", help="a short code, e.g. swindon-csc, used in feed files")
        add.add_argument("--name", required=True)
        add.add_argument("--kind", required=True, choices=AgencyKind.values)

    def handle(self, *args, action, **options):
        if action == "add":
            try:
                agency = add_agency(
                    code=options["code"], name=options["name"], kind=options["kind"]
                )
            except AdministrationError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"Added {agency.name} ({agency.code}).")
            return
        agencies = Agency.objects.order_by("code")
        for agency in agencies:
            self.stdout.write(
                f"{agency.code:<28}{agency.get_kind_display():<36}{agency.name} "
                f"({agency.users.count()} user(s))"
            )
        self.stdout.write(f"{len(agencies)} agency(ies).")
