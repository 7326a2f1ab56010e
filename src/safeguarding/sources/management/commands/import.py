import sys
from pathlib import Path

from django.conf import settings
from django.core.checks import Tags
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from safeguarding.common.priority import run_as_batch
from safeguarding.sources.drop_folder import plan_folder_import
from safeguarding.sources.feeds import FeedError, load_feeds
from safeguarding.sources.importing import ImportFailed, import_audited
from safeguarding.sources.reporting import describe_batch


class Command(BaseCommand):
    help = (
        "Import agency extracts through their feeds: `import FEED FILE...` or `import --dir DIR`."
    )
    # The checks an import depends on. The URL checks would load every page's views, and with
    # them the analysis stages' libraries (libpysal, geopandas, scipy): 2 CPU seconds and 125 MB
    # on each run, for nothing an import uses (docs/feeds.md, Speed).
    requires_system_checks = [Tags.models, Tags.database]

    def add_arguments(self, parser):
        parser.add_argument("feed", nargs="?", help="the feed's name (see feeds/)")
        parser.add_argument("files", nargs="*", type=Path)
        parser.add_argument("--dir", type=Path, help="import every file a feed claims in DIR")
        parser.add_argument(
            "--feeds", type=Path, default=settings.FEEDS_DIR, help="the folder of feed files"
        )

    def handle(self, *args, feed, files, dir, feeds, **options):
        run_as_batch()  # pages first (common/priority.py)
        try:
            definitions = load_feeds(feeds)
        except FeedError as error:
            raise CommandError(str(error)) from error
        if dir is not None:
            plan = plan_folder_import(dir, definitions)
            for unclaimed in plan.unclaimed:
                self.stderr.write(f"No feed claims {unclaimed.name}: it was not imported.")
            work = plan.work
        else:
            if feed not in definitions:
                raise CommandError(f"No feed named {feed!r}. Feeds: {', '.join(definitions)}")
            if not files:
                raise CommandError("Name at least one file to import.")
            work = [(definitions[feed], path) for path in files]
        failures = 0
        for definition, path in work:
            if not path.exists():
                raise CommandError(f"No such file: {path}")
            with tqdm(
                desc=f"{definition.name}: {path.name}",
                unit=" rows",
                file=sys.stderr,
                disable=None,
                leave=False,
            ) as bar:
                try:
                    result = import_audited(
                        feed=definition, path=path, username="command line", progress=bar.update
                    )
                except ImportFailed as failure:
                    failures += 1
                    self.stderr.write(f"{definition.name}: {path.name} was not imported. {failure}")
                    continue
            self.stdout.write(
                describe_batch(result.batch, already_imported=result.already_imported)
            )
        if failures:
            raise CommandError(f"{failures} file(s) were not imported.")
