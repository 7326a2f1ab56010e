from django.core.management.base import BaseCommand, CommandError

from safeguarding.people.retention import erase_past_retention, schedule_next_run
from safeguarding.sources.feeds import FeedError


class Command(BaseCommand):
    help = (
        "Erase source records and events past their feed's retention period, and the people "
        "left with no record; each erasure is audited. --dry-run reports without erasing; "
        "--schedule queues the nightly erasure for the worker. See docs/governance.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="report only; change nothing")
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="queue the nightly erasure (02:00) for the worker instead of erasing now",
        )

    def handle(self, *args, dry_run, schedule, **options):
        if schedule:
            run_after = schedule_next_run()
            self.stdout.write(
                "The nightly erasure is already queued."
                if run_after is None
                else f"The nightly erasure will run at {run_after:%Y-%m-%d %H:%M %Z}, "
                "then every night after (while `safeguarding worker` runs)."
            )
            return
        try:
            report = erase_past_retention(dry_run=dry_run)
        except FeedError as problem:
            raise CommandError(f"A feed file could not be read: {problem}") from problem
        verb = "Would erase" if dry_run else "Erased"
        erased = [erasure for erasure in report.feeds if erasure.anything]
        for erasure in erased:
            self.stdout.write(
                f"{verb} from {erasure.feed} (kept {erasure.retention_days} days, before "
                f"{erasure.cutoff:%Y-%m-%d}): {len(erasure.source_record_ids)} source records, "
                f"{len(erasure.event_ids)} events, {erasure.quarantined_rows} quarantined rows, "
                f"{erasure.raw_files} raw files"
            )
        if not erased:
            self.stdout.write("Nothing is past its feed's retention period.")
        self.stdout.write(
            f"{verb} {len(report.person_ids)} people left with no source record."
            + (
                f" Kept {len(report.people_kept_for_panel)} a panel agenda names."
                if report.people_kept_for_panel
                else ""
            )
        )
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
