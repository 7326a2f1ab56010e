from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeguarding.places.geography import GeographyError, load_geography


class Command(BaseCommand):
    help = "Load the partnership's geography (postcodes, areas, schools) from a folder."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder, **options):
        try:
            summary = load_geography(folder)
        except GeographyError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Loaded {summary.postcodes} postcodes, {summary.small_areas} small areas in "
            f"{summary.community_areas} community areas and {summary.schools} schools; "
            f"placed {summary.locations_placed} locations."
        )
