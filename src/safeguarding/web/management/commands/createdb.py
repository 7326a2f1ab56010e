from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safeguarding.web.database import DatabaseNotCreated, create_database_if_missing


class Command(BaseCommand):
    help = "Create the PostgreSQL database named by DATABASE_URL if it does not exist yet."
    requires_system_checks = []  # the checks would need the database this command creates

    def handle(self, *args, **options):
        database = settings.DATABASES["default"]
        try:
            created = create_database_if_missing(database=database)
        except DatabaseNotCreated as error:
            raise CommandError(str(error)) from error
        if created:
            self.stdout.write(f'Created the PostgreSQL database "{database["NAME"]}".')
