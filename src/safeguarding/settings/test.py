"""Settings for the test suite."""

import atexit
import shutil
import tempfile
from pathlib import Path

from safeguarding.settings.base import *  # noqa: F403
from safeguarding.settings.environment import SQLITE_ENGINE

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Browser tests use Django's live server: let WhiteNoise find assets without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# SQLite tests use a file, as the demo does, not a shared in-memory database: the browser tests
# run the import worker in a thread beside the live server, and in-memory SQLite would lock
# whole tables between them where a file in WAL mode lets readers go on while one writes.
if DATABASES["default"]["ENGINE"] == SQLITE_ENGINE:  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}  # noqa: F405

# Files the tests write (kept raw extracts, linkage models, progress) go to a folder of their
# own, removed when the test process ends, not into the demo's var/files.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="safeguarding-test-files-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)

# The tests run as production does: two-factor authentication required (tests/conftest.py
# signs the cast in with a verified second factor).
SAFEGUARDING_REQUIRE_TWO_FACTOR = True

# No cache between tests (a value cached by one test would leak into the next): the tests of
# the cache itself turn a local-memory one on (tests/risk/test_tracker_cache.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# Tests run the batch commands in their own process (call_command): lowering the priority of the
# test runner itself would slow the rest of the suite and be passed on to the commands the
# priority tests start (tests/common/test_batch_priority.py sets it for those).
SAFEGUARDING_BATCH_NICENESS = 0
