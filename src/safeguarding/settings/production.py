"""Production: PostgreSQL through DATABASE_URL, HTTPS only, secrets from the environment."""

from django.core.exceptions import ImproperlyConfigured

from safeguarding.settings import environment
from safeguarding.settings.base import *  # noqa: F403

SECRET_KEY = environment.text("SAFEGUARDING_SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SAFEGUARDING_SECRET_KEY to a random value of 50+ characters.")
ALLOWED_HOSTS = environment.listing("SAFEGUARDING_ALLOWED_HOSTS", default=[])

SECURE_SSL_REDIRECT = environment.flag("SAFEGUARDING_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# Two-factor authentication cannot be turned off in production, whatever the environment says.
SAFEGUARDING_REQUIRE_TWO_FACTOR = True
