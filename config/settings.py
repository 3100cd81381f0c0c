"""One settings module, driven by the environment (see README: Configuration)."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str, reply_to_template

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-only-used-with-DEBUG-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "import_export",
    "simple_history",
    # Before returns: the Administrators role (returns/roles.py) is given axes' permissions.
    "axes",
    "forces",
    "returns",
    "jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: DATABASE_URL, or a SQLite file under var/ for the zero-setup run.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers on the zero-setup SQLite: take the write lock when a transaction
    # starts (a deferred one cannot upgrade its lock and fails at once with "database is
    # locked"), wait for it up to 20 s, and let readers run beside the writer (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
# A second connection to the same database, for the progress of long work (jobs/running.py):
# its writes are seen while the work's own transaction is still open (not used on SQLite).
DATABASES["jobs"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses any login, right password or not, while the user and address are locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Locale: en-GB, Europe/London; dates shown as 23 Nov 2026 / 23/11/2026, times on the 24-hour
# clock (21:08) everywhere: config/formats/en_GB/formats.py overrides Django's "9:06 p.m.".
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or VAR_DIR / "static")
MEDIA_URL = "media/"  # never served as such: see PROTECTED_FILES_SERVE
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    # Uploaded files link to config.protected_files.serve_protected_file, which checks the
    # user's permission on the row that owns the file.
    "default": {"BACKEND": "config.protected_files.ProtectedFileStorage"},
    # Without DEBUG, WhiteNoise serves `collectstatic`'s output with hashed names (cached for
    # good) and compressed copies; with DEBUG, runserver serves the apps' files directly.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# How a permitted download is sent: by Django, or handed to the web server in front
# (Apache mod_xsendfile: x-sendfile; nginx: x-accel-redirect to an `internal` location
# PROTECTED_FILES_ACCEL_PREFIX that aliases MEDIA_ROOT).
PROTECTED_FILES_SERVE = env_str("PROTECTED_FILES_SERVE") or "django"
if PROTECTED_FILES_SERVE not in ("django", "x-sendfile", "x-accel-redirect"):
    raise ImproperlyConfigured(
        "PROTECTED_FILES_SERVE must be django, x-sendfile or x-accel-redirect; "
        f"got {PROTECTED_FILES_SERVE!r}"
    )
PROTECTED_FILES_ACCEL_PREFIX = env_str("PROTECTED_FILES_ACCEL_PREFIX") or "/protected-media/"

# Uploaded correspondence and returns files: a ceiling on size, checked by the forms too.
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

# --- Imported returns files: ceilings checked before the reading they protect
# (docs/file-formats.md, "Limits on imported files"). A campaign of 100,000 figures is a long
# file of 100,001 rows of 7 cells (700,007 cells; 6 MB as CSV, 3 MB as XLSX): it imports. The
# ceilings leave twice the rows, and 10 columns a row, so that reading a file over them costs
# seconds and under 300 MB.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 2_000_000)
if min(MAX_UPLOAD_BYTES, IMPORT_MAX_ROWS, IMPORT_MAX_CELLS) < 1:
    raise ImproperlyConfigured(
        "MAX_UPLOAD_BYTES, IMPORT_MAX_ROWS and IMPORT_MAX_CELLS must be > 0."
    )

# --- Email: SMTP when EMAIL_HOST is set; otherwise each message is written as a file
# under var/mail so staff can read what would have been sent.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "foi@localhost"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = Path(env_str("EMAIL_FILE_PATH") or VAR_DIR / "mail")
# Every message about a request asks for replies at this address with the request's reply token
# in it (foi+TOKEN@...), so that a force's reply is filed under its request with certainty.
REPLY_TO_ADDRESS = reply_to_template(env_str("REPLY_TO_ADDRESS"), DEFAULT_FROM_EMAIL)

# --- Forces' replies (README: Replies): the charity's mailbox, read by IMAP every 5 minutes.
# Unset IMAP_HOST: no mailbox is read (replies can still be taken in with ingest_email or the
# admin's upload). IMAP_SECURITY: ssl (port 993), starttls or none (port 143; tests only).
IMAP_HOST = env_str("IMAP_HOST")
IMAP_SECURITY = (env_str("IMAP_SECURITY") or "ssl").lower()
if IMAP_SECURITY not in ("ssl", "starttls", "none"):
    raise ImproperlyConfigured(
        f"IMAP_SECURITY must be ssl, starttls or none; got {IMAP_SECURITY!r}"
    )
IMAP_PORT = env_int("IMAP_PORT", 993 if IMAP_SECURITY == "ssl" else 143)
IMAP_USER = env_str("IMAP_USER")
IMAP_PASSWORD = os.environ.get("IMAP_PASSWORD", "")  # an app password where the provider asks
IMAP_FOLDER = env_str("IMAP_FOLDER") or "INBOX"
# Where a message goes once stored; empty: it stays in IMAP_FOLDER, marked as read (\Seen).
IMAP_PROCESSED_FOLDER = env_str("IMAP_PROCESSED_FOLDER")
IMAP_TIMEOUT = env_int("IMAP_TIMEOUT", 60)
if IMAP_HOST and not (IMAP_USER and IMAP_PASSWORD):
    raise ImproperlyConfigured("IMAP_HOST is set: IMAP_USER and IMAP_PASSWORD must be set too.")
if not 0 < IMAP_PORT < 65536 or IMAP_TIMEOUT < 1:
    raise ImproperlyConfigured("IMAP_PORT must be 1-65535 and IMAP_TIMEOUT at least 1 second.")
# A message above this is kept as its headers only, and left in the mailbox to be read there.
INBOUND_MAX_MESSAGE_BYTES = env_int("INBOUND_MAX_MESSAGE_BYTES", 50 * 1024 * 1024)
if INBOUND_MAX_MESSAGE_BYTES < 1:
    raise ImproperlyConfigured("INBOUND_MAX_MESSAGE_BYTES must be > 0.")

# --- Long work (docs/long-work.md): an admin import, a bulk verification or a dataset export of
# more rows than this runs in a Celery task with a progress page; smaller ones run at once.
JOBS_INLINE_MAX_ROWS = env_int("JOBS_INLINE_MAX_ROWS", 5_000)
# A running job that reports no progress for this long is shown as stalled (worker stopped).
JOBS_STALLED_AFTER_MINUTES = env_int("JOBS_STALLED_AFTER_MINUTES", 10)
if min(JOBS_INLINE_MAX_ROWS, JOBS_STALLED_AFTER_MINUTES) < 1:
    raise ImproperlyConfigured("JOBS_INLINE_MAX_ROWS and JOBS_STALLED_AFTER_MINUTES must be > 0.")

# --- Celery: Redis in production; with no broker configured, kombu's filesystem
# transport under var/ so the zero-setup install takes the same asynchronous path.
# ("localhost" only spares a kombu warning: the filesystem transport has no host.)
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "filesystem://localhost//"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    (VAR_DIR / "celery" / "processed").mkdir(parents=True, exist_ok=True)
    _queue_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Before the chase, so that it counts from due dates that follow today's holiday tables.
    "recompute-deadlines-daily": {
        "task": "returns.tasks.recompute_deadlines",
        "schedule": crontab(hour=6, minute=30),
    },
    "chase-overdue-daily": {
        "task": "returns.tasks.chase_overdue",
        "schedule": crontab(hour=7, minute=0),
    },
    "fetch-replies": {
        "task": "returns.tasks.fetch_replies",
        "schedule": crontab(minute="*/5"),
    },
    "repair-stale-statistics": {
        "task": "returns.tasks.repair_stale_statistics",
        "schedule": crontab(minute="*/5"),
    },
}

# --- django-import-export
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True
# Off: it strips one leading "=" only and writes every cell as text. Every admin export
# neutralises formulas itself (returns.spreadsheet_safety.SafeExportMixin).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# --- Production hardening: on unless DEBUG, each switchable for a proxy set-up.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
BEHIND_HTTPS_PROXY = env_bool("BEHIND_HTTPS_PROXY", False)
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of ours append to X-Forwarded-For; the client's address is the entry the
# outermost one wrote (anything further left, the client could have written itself).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if BEHIND_HTTPS_PROXY else 0)

# --- Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one user
# name from one address, that pair is locked out for LOGIN_COOLOFF_MINUTES after the last try.
# Administrators unlock by deleting the access attempt in the admin.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 60))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.login_throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "config.login_throttling.locked_out_page"
# Failures and lockouts are logged with the user name and address (never the password);
# no start-up banner on every management command.
AXES_SENSITIVE_PARAMETERS = []
AXES_VERBOSE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "INFO"},
    # axes tells of every successful login at INFO; lockouts, which matter, come at WARNING.
    "loggers": {"axes": {"level": "WARNING"}},
}
