from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from safeguarding.access.demo import DEMO_PASSWORD, create_demo_users


class Command(BaseCommand):
    help = "Set up the demo (database, demo users, synthetic county) and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--address", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Set up, but do not serve.")

    def handle(self, *args, address, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self._collect_static_if_changed()
        users = create_demo_users()

        self.stdout.write(self.style.SUCCESS("\nSafeguarding Hub demo (synthetic data only)"))
        self.stdout.write(f"Sign in at http://{address}/ with password '{DEMO_PASSWORD}' as:")
        for user in users:
            self.stdout.write(f"  {user.username:<14} {', '.join(user.roles)} ({user.agency_code})")
        if not no_serve:
            call_command("runserver", address, use_reloader=False, skip_checks=True)

    def _collect_static_if_changed(self) -> None:
        manifest = settings.STATIC_ROOT / "staticfiles.json"
        built = settings.PROJECT_ROOT / "build" / "static" / ".built"
        if not manifest.exists() or not built.exists() or (
            built.stat().st_mtime > manifest.stat().st_mtime
        ):
            call_command("collectstatic", interactive=False, verbosity=0)
