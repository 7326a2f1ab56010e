from django.conf import settings
from django.core.management.base import BaseCommand

from safeguarding.web.server import ServerOptions, serve


class Command(BaseCommand):
    help = (
        "Serve the app with the production web server (gunicorn): several worker processes, "
        "static files through WhiteNoise. Put a reverse proxy that terminates TLS in front of "
        "it (docs/operator-guide.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--address",
            default=settings.SAFEGUARDING_SERVE_ADDRESS,
            help="host:port to listen on (default %(default)s, SAFEGUARDING_SERVE_ADDRESS)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.SAFEGUARDING_WEB_WORKERS,
            help="worker processes (default: one per core, SAFEGUARDING_WEB_WORKERS)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=settings.SAFEGUARDING_WEB_THREADS,
            help="threads per worker (default %(default)s, SAFEGUARDING_WEB_THREADS)",
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=settings.SAFEGUARDING_WEB_TIMEOUT,
            help="seconds a request may take before its worker is restarted (%(default)s)",
        )

    def handle(self, *args, address, workers, threads, timeout, **options):
        server = ServerOptions(address=address, workers=workers, threads=threads, timeout=timeout)
        self.stdout.write(
            f"Serving on http://{server.address}/ with {server.worker_count} workers × "
            f"{server.threads} threads (gunicorn)."
        )
        self.stdout.flush()
        serve(options=server)
