"""`safeguarding serve`: the production server starts, signs a user in and answers pages."""

import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
import requests
from django.db import connection

from safeguarding.access.models import AuditAction, AuditEvent
from safeguarding.web import server
from tests.conftest import PASSWORD, current_code

STARTUP_SECONDS = 90  # gunicorn boots each worker's Django; the machine is shared


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database, as DATABASE_URL names it for another process."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@contextmanager
def running_server(*arguments: str):
    """`safeguarding serve` on a free loopback port against the test database: its address,
    then stopped (and its output shown if it failed to start)."""
    address = f"127.0.0.1:{free_port()}"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        # The test settings find static files without collectstatic, as the browser tests do.
        "DJANGO_SETTINGS_MODULE": "safeguarding.settings.test",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "safeguarding.cli", "serve", "--address", address, *arguments],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                requests.get(f"http://{address}/access/sign-in/", timeout=10)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    pytest.fail(f"serve did not start:\n{process.communicate()[0][-3000:]}")
                time.sleep(0.5)
        yield f"http://{address}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def token(page: requests.Response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def sign_in(session: requests.Session, base: str, user) -> None:
    """Both steps of signing in, as a browser does: password, then the authenticator's code."""
    page = session.get(f"{base}/access/sign-in/", timeout=30)
    code_page = session.post(
        f"{base}/access/sign-in/",
        data={"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token(page)},
        timeout=30,
    )
    assert "/access/sign-in/code/" in code_page.url
    done = session.post(
        code_page.url,
        data={"code": current_code(user), "csrfmiddlewaretoken": token(code_page)},
        timeout=30,
    )
    assert done.status_code == 200 and "/access/sign-in/" not in done.url


@pytest.mark.django_db(transaction=True)
def test_serve_signs_a_user_in_and_answers_the_tracker(cast):
    analyst = cast["analyst"]
    current_code(analyst)  # an authenticator, as a signed-up user has
    with running_server("--workers", "2", "--threads", "2") as base:
        session = requests.Session()
        sign_in(session, base, analyst)
        asked = session.get(f"{base}/tracker/", timeout=30)
        assert "/access/purpose/" in asked.url  # the tracker asks why first
        tracker = session.post(
            asked.url,
            data={"purpose": "analysis", "next": "/tracker/", "csrfmiddlewaretoken": token(asked)},
            timeout=30,
        )
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', tracker.text).group(1)
        asset = session.get(f"{base}{stylesheet}", timeout=30)
    assert tracker.status_code == 200 and tracker.url.endswith("/tracker/")
    assert "Vulnerability tracker" in tracker.text
    assert tracker.headers["Content-Security-Policy"].startswith("default-src 'self'")
    # Static files come from WhiteNoise inside the app: no other server is needed.
    assert asset.status_code == 200 and asset.headers["Content-Type"].startswith("text/css")
    # The server wrote to the same database: the sign-in is in the audit trail.
    assert AuditEvent.objects.filter(user=analyst, action=AuditAction.TWO_FACTOR_VERIFIED).exists()


def test_workers_are_sized_to_the_machine_unless_told():
    assert server.ServerOptions().worker_count == max(server.cores(), 2)
    assert server.ServerOptions().gunicorn_settings()["threads"] == 4
    assert server.ServerOptions(workers=3).worker_count == 3
    sized = server.ServerOptions(address="127.0.0.1:9000", workers=3, threads=4).gunicorn_settings()
    assert sized["bind"] == ["127.0.0.1:9000"]
    assert (sized["workers"], sized["threads"], sized["worker_class"]) == (3, 4, "gthread")
    # No access log: a search's query string is a name.
    assert sized["accesslog"] is None
    assert server.ServerOptions(threads=1).gunicorn_settings()["worker_class"] == "sync"
