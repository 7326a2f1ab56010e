"""Settings shared by every environment. Environment-specific modules import from here."""

import datetime

from django.utils.csp import CSP

from safeguarding.settings import environment

PROJECT_ROOT = environment.PROJECT_ROOT
# What the site writes: the SQLite database, files, collected static files (SAFEGUARDING_VAR_DIR).
VAR_DIR = environment.VAR_DIR
SECRET_KEY = environment.text("SAFEGUARDING_SECRET_KEY", "insecure-local-only-key-change-me")
DEBUG = False
ALLOWED_HOSTS = environment.listing(
    "SAFEGUARDING_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"]
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "safeguarding.access",
    "safeguarding.runs",
    "safeguarding.sources",
    "safeguarding.linkage",
    "safeguarding.people",
    "safeguarding.risk",
    "safeguarding.contexts",
    "safeguarding.panel",
    "safeguarding.places",
    "safeguarding.network",
    "safeguarding.reports",
    "safeguarding.concerns",
    "safeguarding.synth",
    "safeguarding.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "safeguarding.concerns.middleware.PublicHostMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "safeguarding.access.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # After the CSP middleware, so the refusal carries the public pages' policy; its check
    # still runs before CSRF reads the body (see the class).
    "safeguarding.concerns.middleware.ReportSizeMiddleware",
    "safeguarding.access.middleware.NeedToKnowMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safeguarding.urls"
WSGI_APPLICATION = "safeguarding.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safeguarding.web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": environment.database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "access.User"
LOGIN_URL = "access:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "access:login"

# Passwords follow the NCSC's guidance (docs/sign-in.md): length over complexity, a deny list
# of common and service-specific passwords, no composition rules and no forced expiry.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {
        "NAME": "safeguarding.access.passwords.MaximumLengthValidator",
        "OPTIONS": {"max_length": 256},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "safeguarding.access.passwords.ServiceWordsValidator"},
]

# django-axes counts failed sign-ins (ours and the admin pages') and refuses further attempts
# for a cool-off period once an account, or an address, reaches the limit (docs/sign-in.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = environment.integer("SAFEGUARDING_SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=environment.integer("SAFEGUARDING_SIGN_IN_COOLOFF_MINUTES", default=30)
)
# Per account and, separately, per address. Where every user reaches the service through one
# shared address (a force's proxy), the operator may turn the per-address count off.
AXES_LOCKOUT_PARAMETERS = (
    ["username", "ip_address"]
    if environment.flag("SAFEGUARDING_SIGN_IN_LOCK_BY_ADDRESS", default=True)
    else ["username"]
)
# The address the audit trail records, so a lock-out and its audit events agree.
AXES_CLIENT_IP_CALLABLE = "safeguarding.access.audit.client_address"
AXES_LOCKOUT_CALLABLE = "safeguarding.access.lockout.locked_out_page"
# Attempts made while locked out do not restart the cool-off: an attacker cannot keep a
# member of staff out for ever, and still gets no more than the limit per period.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Unlocking goes through `safeguarding unlock` or the Users admin page, which audit it.
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Successful sign-ins are in our audit trail; axes need not keep a second record of them.
AXES_DISABLE_ACCESS_LOG = True

# Two-factor authentication (TOTP, with recovery codes) for everyone who signs in. Only the
# demo's settings (settings/demo.py) may turn it off, for the synthetic demo users.
SAFEGUARDING_REQUIRE_TWO_FACTOR = True
OTP_TOTP_ISSUER = "Safeguarding Hub"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
SAFEGUARDING_RECOVERY_CODE_COUNT = 10

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# The maps draw the partnership's own geography with no tiles. An operator may point this at a
# tile server on their own network ({z}/{x}/{y} URL); nothing is fetched from the internet.
MAP_TILE_URL = environment.text("SAFEGUARDING_MAP_TILE_URL")
STATIC_ROOT = VAR_DIR / "static"
# Built at set-up from the npm registry by `make assets`; nothing is fetched at run time. An
# installed wheel carries no build: point SAFEGUARDING_ASSETS_DIR at one.
ASSETS_DIR = environment.path("SAFEGUARDING_ASSETS_DIR", default=PROJECT_ROOT / "build" / "static")
STATICFILES_DIRS = (
    [ASSETS_DIR] if environment.IN_CHECKOUT or environment.text("SAFEGUARDING_ASSETS_DIR") else []
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "files"

# Sessions end after a period of inactivity: every request renews the cookie's age.
SESSION_IDLE_MINUTES = environment.integer("SAFEGUARDING_SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

SERVICE_NAME = "Safeguarding Hub"

# The production server, `safeguarding serve` (gunicorn; docs/operator-guide.md). Workers 0:
# one per core (at least two).
SAFEGUARDING_SERVE_ADDRESS = environment.text("SAFEGUARDING_SERVE_ADDRESS", "127.0.0.1:8000")
SAFEGUARDING_WEB_WORKERS = environment.integer("SAFEGUARDING_WEB_WORKERS", default=0)
SAFEGUARDING_WEB_THREADS = environment.integer("SAFEGUARDING_WEB_THREADS", default=4)
SAFEGUARDING_WEB_TIMEOUT = environment.integer("SAFEGUARDING_WEB_TIMEOUT", default=120)
# Imports, linking, scoring and the task worker run at this niceness (0 to 19), below the web
# server's 0, so that pages are served first when both want the processor (common/priority.py).
SAFEGUARDING_BATCH_NICENESS = environment.niceness("SAFEGUARDING_BATCH_NICENESS", default=10)
# What pages share between users (a scoring run's tracker list before each user's need-to-know
# filter, its filter choices, agency names) is cached in files under the var folder: every
# server process (gunicorn's workers, the task worker) reads and clears the same copy, with
# nothing else to install or run. Each process keeps the run's list unpickled in memory beside
# it (risk/tracker.py). The folder holds young people's names and scores: Django creates it
# readable by the service's account alone (0700); it needs no backup (it rebuilds itself).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 1000},
    }
}

# Personal data never goes to the console or logs: log records carry ids and counts only.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"safeguarding": {"level": "INFO", "propagate": True}},
}
# A partnership points these at its own folders; the defaults ship with the package.
FEEDS_DIR = environment.path("SAFEGUARDING_FEEDS_DIR", default=environment.shipped("feeds"))
INDICATOR_CATALOGUE = environment.path(
    "SAFEGUARDING_INDICATOR_CATALOGUE",
    default=environment.shipped("indicators") / "catalogue.toml",
)
LINKAGE_SETTINGS = environment.path(
    "SAFEGUARDING_LINKAGE_SETTINGS", default=environment.shipped("linkage") / "settings.toml"
)
# What linking's DuckDB may hold in memory (megabytes) before it spills to the var folder's
# cache: without a cap DuckDB takes up to 80% of the machine.
LINKAGE_MEMORY_MB = environment.integer("SAFEGUARDING_LINKAGE_MEMORY_MB", default=2048)

# Background work (imports from the Imports page) is queued in the site's own database
# (django-tasks-db) and run by `safeguarding worker`: no other service to install.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# What an upload on the Imports page queues: the pipeline's import stage for that file.
UPLOAD_TASK = "safeguarding.pipeline.import_upload"

# Concerns from partners and the public (docs/concerns.md): the sectors' indicator lists; the
# host names on which only the public reporting form is served (its own address, published to
# partners; they must also be in ALLOWED_HOSTS); how many reports one address may send in an hour.
CONCERN_INDICATORS = environment.path(
    "SAFEGUARDING_CONCERN_INDICATORS",
    default=environment.shipped("indicators") / "concerns.toml",
)
CONCERN_PUBLIC_HOSTS = environment.listing("SAFEGUARDING_CONCERN_PUBLIC_HOSTS", default=[])
CONCERN_REPORTS_PER_HOUR = environment.integer("SAFEGUARDING_CONCERN_REPORTS_PER_HOUR", default=5)

# Email: only feedback to a reporter who left an email address is sent (docs/concerns.md). The
# backend is one of Django's (smtp by default, to the SMTP server named; filebased; console, which
# prints messages, personal data included, so never in production); the tests use locmem.
EMAIL_BACKEND_NAME = environment.text(
    "SAFEGUARDING_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)


def _mail_options(backend: str) -> dict:
    if backend.endswith("smtp.EmailBackend"):
        return {
            "host": environment.text("SAFEGUARDING_EMAIL_HOST", "localhost"),
            "port": environment.integer("SAFEGUARDING_EMAIL_PORT", default=25),
            "username": environment.text("SAFEGUARDING_EMAIL_USER"),
            "password": environment.text("SAFEGUARDING_EMAIL_PASSWORD"),
            "use_tls": environment.flag("SAFEGUARDING_EMAIL_USE_TLS", default=False),
            "timeout": 20,
        }
    if backend.endswith("filebased.EmailBackend"):
        return {"file_path": str(VAR_DIR / "mail")}
    return {}


MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_NAME, "OPTIONS": _mail_options(EMAIL_BACKEND_NAME)}}
DEFAULT_FROM_EMAIL = environment.text(
    "SAFEGUARDING_EMAIL_FROM", "Safeguarding partnership <no-reply@localhost>"
)
