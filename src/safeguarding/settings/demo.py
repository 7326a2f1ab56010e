"""The demo (`safeguarding demo`): the local settings, with two-factor authentication optional.

The demo holds synthetic data only and its users share one published password, so asking
them to enrol an authenticator would protect nothing. This is the only place the requirement
is turned off; a demo user who chooses to set up two-factor authentication is still asked for
a code. Never point these settings at real data.
"""

from safeguarding.settings.local import *  # noqa: F403

SAFEGUARDING_REQUIRE_TWO_FACTOR = False
