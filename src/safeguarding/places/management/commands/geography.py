from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeguarding.places.geography import GeographyError, load_geography
from safeguarding.places.ons import OnsSources, load_ons_geography
from safeguarding.places.population import PopulationError, load_population


class Command(BaseCommand):
    help = (
        "Load the partnership's geography (postcodes, areas, schools): from a folder in the "
        "synthetic county's layout, or from the ONS Postcode Directory, ONS boundary files and "
        "Get Information about Schools with --onspd (see docs/geography.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, nargs="?")
        parser.add_argument("--onspd", type=Path, help="The ONS Postcode Directory CSV")
        parser.add_argument(
            "--local-authority",
            action="append",
            default=[],
            dest="local_authorities",
            help="A local authority code of the partnership's area (repeat for several)",
        )
        parser.add_argument("--lsoa-boundaries", type=Path, help="GeoJSON or shapefile")
        parser.add_argument("--ward-boundaries", type=Path, help="GeoJSON or shapefile")
        parser.add_argument("--schools", type=Path, help="The GIAS establishments CSV")
        parser.add_argument(
            "--population",
            type=Path,
            help="Small-area population estimates (ONS, single year of age): the young people "
            "of each small area, for rates per 1,000. Alone, loads only this.",
        )

    def handle(self, *args, folder, onspd, local_authorities, population, **options):
        if population is not None and folder is None and onspd is None:
            try:
                areas = load_population(population)
            except PopulationError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"Loaded the young people of {areas} small areas.")
            return
        if (folder is None) == (onspd is None):
            raise CommandError("Give either a geography folder or --onspd FILE, not both.")
        try:
            if onspd is not None:
                summary = load_ons_geography(
                    sources=OnsSources(
                        postcode_directory=onspd,
                        local_authorities=tuple(local_authorities),
                        small_area_boundaries=options["lsoa_boundaries"],
                        ward_boundaries=options["ward_boundaries"],
                        schools=options["schools"],
                    )
                )
            else:
                summary = load_geography(folder)
            if population is not None:
                load_population(population)
        except (GeographyError, PopulationError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Loaded {summary.postcodes} postcodes, {summary.small_areas} small areas in "
            f"{summary.community_areas} community areas and {summary.schools} schools; "
            f"placed {summary.locations_placed} locations."
        )
