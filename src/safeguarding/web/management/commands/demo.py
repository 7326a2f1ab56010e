import datetime
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from safeguarding.access.demo import DEMO_PASSWORD, create_demo_users
from safeguarding.concerns.demo import add_demo_concerns
from safeguarding.panel.demo import plan_demo_panel
from safeguarding.pipeline import Inputs, run_pipeline
from safeguarding.risk.services import score_everyone
from safeguarding.synth.county import build_county

DEMO_SEED = 42


class Command(BaseCommand):
    help = "Set up the demo (database, demo users, synthetic county) and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--address", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Set up, but do not serve.")
        parser.add_argument("--scale", default="default", help="the synthetic county's scale")

    def handle(self, *args, address, no_serve, scale, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self._collect_static_if_changed()
        users = create_demo_users()
        county = settings.VAR_DIR / "county" / f"seed-{DEMO_SEED}-{scale}"
        summary = build_county(
            out_dir=county,
            seed=DEMO_SEED,
            scale=scale,
            progress=lambda step: self.stderr.write(f"  county: {step}"),
        )
        self.stdout.write(
            f"Synthetic county ({'reused' if summary.reused else 'built'}): "
            f"{summary.young_people} young people, {summary.total_rows} extract rows, "
            f"data to {summary.window_end} (risk is scored as of that day)."
        )
        # Each stage skips what is already done: files already imported (by their checksum),
        # linking when no record waits, scoring when nothing changed since the last run.
        # Risk as of the county's last day (the day it was first built) and every six weeks back
        # for six months, so the tracker shows trajectories and each young person a history. A
        # county built earlier is reused, not rebuilt: a new end date would change every file's
        # checksum and import every record a second time.
        today = datetime.date.fromisoformat(summary.window_end)
        run_pipeline(
            inputs=Inputs(
                geography=county / "geography",
                extracts=county / "extracts",
                score_dates=tuple(today - datetime.timedelta(weeks=6 * n) for n in range(5)),
                say=self.stdout.write,
            ),
            started_by="safeguarding demo",
        )
        # Six weeks of concerns from partners and the public, most triaged into the records and
        # the newest waiting in the queue; the last date is scored again to count them.
        added = add_demo_concerns(end=today, seed=DEMO_SEED)
        if added:
            score_everyone(as_of=today)
            self.stdout.write(f"Concerns: {added} synthetic reports from partners and the public.")
        panel = plan_demo_panel(today=today)
        if panel.created:
            self.stdout.write(
                f"Panel: last meeting {panel.items_last} items, minutes agreed, "
                f"{panel.open_actions} actions open; next meeting planned for {today} "
                f"with {panel.items_next} items on its agenda."
            )

        self.stdout.write(self.style.SUCCESS("\nSafeguarding Hub demo (synthetic data only)"))
        self.stdout.write(f"Sign in at http://{address}/ with password '{DEMO_PASSWORD}' as:")
        for user in users:
            self.stdout.write(f"  {user.username:<14} {', '.join(user.roles)} ({user.agency_code})")
        if not no_serve:
            self._serve(address)

    def _serve(self, address: str) -> None:
        """The production server (`safeguarding serve`), and beside it the worker that imports
        uploads from the Imports page; both stop with the demo. Both are processes of their own:
        gunicorn forks its workers, and a fork must not inherit the duty to stop the others."""
        worker = subprocess.Popen([sys.executable, "-m", "safeguarding.cli", "worker"])
        # The address is the operator's own argument, passed as one argument (no shell).
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "safeguarding.cli", "serve", "--address", address]
        )
        # Stopped by a signal rather than Ctrl-C, the demo still stops what it started.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            server.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for process in (server, worker):
                process.terminate()
            for process in (server, worker):
                process.wait(timeout=60)

    def _collect_static_if_changed(self) -> None:
        manifest = settings.STATIC_ROOT / "staticfiles.json"
        built = settings.ASSETS_DIR / ".built"
        if (
            not manifest.exists()
            or not built.exists()
            or (built.stat().st_mtime > manifest.stat().st_mtime)
        ):
            call_command("collectstatic", interactive=False, verbosity=0)
