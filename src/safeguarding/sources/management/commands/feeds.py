from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from safeguarding.sources.checking import check_file, describe_check
from safeguarding.sources.feeds import Feed, FeedError, load_feed, load_feeds


class Command(BaseCommand):
    help = (
        "The feeds: `feeds list`, `feeds show NAME`, and `feeds check FEED FILE`, a dry run "
        "that shows what importing FILE would do (FEED is a feed's name or a feed file)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--feeds", type=Path, default=settings.FEEDS_DIR, help="the folder of feed files"
        )
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("list", help="every feed: name, agency, title, files it claims")
        show = actions.add_parser("show", help="one feed's columns and mapping")
        show.add_argument("name")
        check = actions.add_parser("check", help="what importing FILE would do; stores nothing")
        check.add_argument("feed", help="a feed's name, or the path of a feed file")
        check.add_argument("file", type=Path)
        check.add_argument("--rows", type=int, default=5, help="how many stored rows to show")

    def handle(self, *args, action, feeds, **options):
        if action == "check":
            self._check(self._feed(options["feed"], feeds), options["file"], options["rows"])
            return
        definitions = self._definitions(feeds)
        if action == "list":
            for feed in definitions.values():
                self.stdout.write(
                    f"{feed.name:<28}{feed.agency:<24}{feed.title} "
                    f"({', '.join(feed.file_patterns)})"
                )
            self.stdout.write(f"{len(definitions)} feed(s) in {feeds}.")
        else:
            self.stdout.write(describe_feed(self._feed(options["name"], feeds)))

    def _definitions(self, folder: Path) -> dict[str, Feed]:
        try:
            return load_feeds(folder)
        except FeedError as error:
            raise CommandError(str(error)) from error

    def _feed(self, name: str, folder: Path) -> Feed:
        """A feed by name, or a feed file not (yet) in the folder: an analyst checks a new
        feed against a file before adding it to the feeds."""
        if name.endswith(".toml"):
            try:
                return load_feed(Path(name))
            except (FeedError, OSError) as error:
                raise CommandError(str(error)) from error
        definitions = self._definitions(folder)
        if name not in definitions:
            raise CommandError(f"No feed named {name!r}. Feeds: {', '.join(definitions)}")
        return definitions[name]

    def _check(self, feed: Feed, path: Path, rows: int) -> None:
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        report = check_file(feed=feed, path=path, sample_rows=rows)
        self.stdout.write(describe_check(report))
        if report.refused:
            raise CommandError("The file would not import.")


def describe_feed(feed: Feed) -> str:
    lines = [
        f"{feed.name} (version {feed.version}): {feed.title}",
        f"  agency {feed.agency}; files {', '.join(feed.file_patterns)}; "
        f"format {feed.file_format.kind}",
        f"  lawful basis: {feed.lawful_basis}",
        f"  agreement {feed.isa_reference}, review by {feed.isa_review_date:%d/%m/%Y}; "
        f"kept {feed.retention_days} days",
        f"  defined in {feed.path}",
        "Columns:",
    ]
    for column in feed.columns.values():
        notes = [column.type, "required" if column.required else ""]
        notes += [f"format {column.format}" if column.format else ""]
        notes += [f"codes {', '.join(column.codes)}" if column.codes else ""]
        notes += ["flagged, not refused" if column.flag_only else ""]
        lines.append(f"  {column.name:<28} {'; '.join(n for n in notes if n)}")
    for title, mapping in (
        ("Source record", feed.source_record),
        ("Identifiers", feed.identifiers),
        ("Objects", feed.objects),
        ("Event", feed.event),
        ("Event details", feed.event_details),
    ):
        if mapping:
            lines.append(f"{title}:")
            lines += [f"  {ours:<28}← {theirs}" for ours, theirs in mapping.items()]
    if feed.event_type:
        lines.append(f"Event type: {feed.event_type}")
    for involvement in feed.involvements:
        role = involvement.role or f"from column {involvement.role_column}"
        person = (
            f"{involvement.person.feed}.{involvement.person.column}"
            if involvement.person
            else "this row's record"
        )
        event = (
            f"{involvement.event.feed}.{involvement.event.column}"
            if involvement.event
            else "this row's event"
        )
        lines.append(f"Involvement: {person} in {event} as {role}")
    if feed.adds_identifier:
        spec = feed.adds_identifier
        kind = spec.kind or f"from column {spec.kind_column}"
        lines.append(
            f"Adds an identifier ({kind}) from {spec.value} to the record "
            f"{spec.person.feed}.{spec.person.column}"
        )
    if feed.adds_details:
        target = feed.adds_details.event
        lines.append(f"Adds details to the event {target.feed}.{target.column}:")
        lines += [f"  {ours:<28}← {theirs}" for ours, theirs in feed.adds_details.details.items()]
    return "\n".join(lines)
