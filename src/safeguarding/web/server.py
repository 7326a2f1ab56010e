"""The production web server: gunicorn running the Django app in this process's settings."""

import os
from dataclasses import dataclass

from django.core.wsgi import get_wsgi_application
from django.db import connections
from gunicorn.app.base import BaseApplication


def cores() -> int:
    # The cores this process may run on (a container or `taskset` may allow fewer than exist).
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class ServerOptions:
    address: str = "127.0.0.1:8000"
    workers: int = 0  # 0: sized to the machine
    threads: int = 4
    timeout: int = 120

    @property
    def worker_count(self) -> int:
        # One process per core: a page costs 40-50 ms of CPU in Python, so more processes than
        # cores only take turns (gunicorn's usual 2 × cores + 1 was slower under load here,
        # docs/operator-guide.md#load); threads cover the waits on the database.
        return self.workers if self.workers > 0 else max(cores(), 2)

    def gunicorn_settings(self) -> dict:
        return {
            "bind": [self.address],
            "workers": self.worker_count,
            "threads": max(self.threads, 1),
            # Threads let a worker answer a second request while the first waits on the
            # database; with one thread gunicorn's sync worker is the plainer choice.
            "worker_class": "gthread" if self.threads > 1 else "sync",
            # The tracker's CSV of a whole county takes a while; the default 30 s is too short.
            "timeout": self.timeout,
            "graceful_timeout": 30,
            "keepalive": 5,
            # No access log: its lines hold query strings, and a search's query string is a
            # name. Errors still go to the console (the service manager's journal).
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "info",
            # One control socket per user by default: two servers on a machine would fight over
            # it, and nothing here uses gunicorn's run-time control.
            "control_socket_disable": True,
            "proc_name": "safeguarding",
        }


class _Application(BaseApplication):
    def __init__(self, options: ServerOptions):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.gunicorn_settings().items():
            self.cfg.set(name, value)

    def load(self):
        return get_wsgi_application()


def serve(*, options: ServerOptions) -> None:
    """Run gunicorn until it is stopped (SIGTERM or SIGINT); each worker loads the app itself."""
    # A connection opened here (checks, the command's own queries) must not be shared by the
    # forked workers.
    connections.close_all()
    _Application(options).run()
