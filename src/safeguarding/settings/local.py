"""The embedded default: SQLite, the synthetic county, served on 127.0.0.1 for the demo."""

from safeguarding.settings import environment
from safeguarding.settings.base import *  # noqa: F403

DEBUG = environment.flag("SAFEGUARDING_DEBUG", default=False)
