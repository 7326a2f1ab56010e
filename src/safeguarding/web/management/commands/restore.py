from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeguarding.web.backups import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = (
        "Replace the database and the files folder with a backup made by `safeguarding backup`. "
        "Stop the web server and the worker first; afterwards run `safeguarding migrate` and "
        "`safeguarding audit verify`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="an archive written by `safeguarding backup`")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask: everything now held is replaced"
        )

    def handle(self, *args, file, yes, **options):
        try:
            backup = read_manifest(archive=file)
            if not yes:
                answer = input(
                    f"Replace this site's database and files with the backup of "
                    f"{backup.created_at}? Type 'yes' to continue: "
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("Nothing restored.")
            restore(archive=file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the database and {backup.files} file(s) from the backup of "
            f"{backup.created_at}. Next: `safeguarding migrate`, then `safeguarding audit verify`."
        )
