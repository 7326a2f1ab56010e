from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeguarding.web.backups import BackupError, back_up


class Command(BaseCommand):
    help = (
        "Back up the database (with the audit trail) and the files folder into one archive "
        "(.tar.gz): pg_dump on PostgreSQL, SQLite's online backup otherwise. Safe while the "
        "site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", type=Path, help="the archive to write, e.g. hub-2026-12-05.tar.gz"
        )

    def handle(self, *args, file, **options):
        try:
            archive = back_up(archive=file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up the database and {archive.files} file(s) to {archive.path} "
            f"({archive.path.stat().st_size / 1_000_000:.1f} MB)."
        )
