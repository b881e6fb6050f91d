"""Settings for the journal, driven entirely by environment variables.

With nothing set, the journal runs embedded: SQLite in var/, an in-process
cache and Celery tasks executed inline. DATABASE_URL, REDIS_URL and
CELERY_BROKER_URL switch each piece to a real service. README.md lists every
variable.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
from celery.schedules import crontab

from journal_site.encryption import kek_new_line, kek_parse
from journal_site.env import (
    ConfigError,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_str,
)
from journal_site.logfilters import JSON_FORMATTER

BASE_DIR = Path(__file__).resolve().parent.parent
# Created at start-up, never here (JournalSiteConfig.ready); importing the settings writes nothing.
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_choice("DJANGO_ENV", "development", {"development", "production"})
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DJANGO_DEBUG", False)


def _development_key(name: str, make) -> str:
    """A key generated once per checkout (`make()` gives it), so sessions and sealed text survive restarts.

    Several processes (gunicorn workers) may start at once: each writes a
    complete candidate aside and links it into place, which only the first
    can do, so every process reads the same, complete key.
    """
    path = VAR_DIR / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        candidate = path.with_name(f".{name}.{os.getpid()}.{secrets.token_hex(4)}")
        candidate.write_text(make())
        candidate.chmod(0o600)
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    return path.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if PRODUCTION:
        raise ConfigError("SECRET_KEY must be set when DJANGO_ENV=production")
    SECRET_KEY = _development_key("secret_key", lambda: secrets.token_urlsafe(50))
elif PRODUCTION and len(SECRET_KEY) < 50:
    raise ConfigError("SECRET_KEY must be at least 50 characters long in production")
# Rotation: the previous key(s), comma-separated. Sessions, password-reset links
# and API tokens signed with them stay valid; new ones use SECRET_KEY.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
if PRODUCTION and any(len(key) < 50 for key in SECRET_KEY_FALLBACKS):
    raise ConfigError("SECRET_KEY_FALLBACKS: every key must be at least 50 characters long in production")

# Key-encryption keys for what people write (docs/encryption.md): "VERSION:BASE64,..." with the
# current one first, from the environment or a file (readable by the journal alone, kept apart from
# the backups). Without them production refuses to start; the embedded default keeps one in VAR_DIR.
_encryption_keys = env_str("ENCRYPTION_KEYS")
_encryption_keys_source = "ENCRYPTION_KEYS"
_encryption_keys_file = env_str("ENCRYPTION_KEYS_FILE")
if _encryption_keys is None and _encryption_keys_file is not None:
    _encryption_keys_source = "ENCRYPTION_KEYS_FILE"
    try:
        _encryption_keys = Path(_encryption_keys_file).read_text()
    except OSError as error:
        raise ConfigError(f"ENCRYPTION_KEYS_FILE cannot be read: {error.strerror}") from None
if _encryption_keys is None:
    if PRODUCTION:
        raise ConfigError("ENCRYPTION_KEYS (or ENCRYPTION_KEYS_FILE) must be set when DJANGO_ENV=production")
    _encryption_keys = _development_key("encryption_keys", kek_new_line)
ENCRYPTION_KEYS = kek_parse(_encryption_keys, source=_encryption_keys_source)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "journal_site.admin_site.JournalAdminConfig",  # django.contrib.admin, 403 for non-admins
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_prometheus",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "journal_site",
    "care",
    "accounts",
    "diary",
    "insights",
    "conversations",
    "portability",
    "overview",
]

MIDDLEWARE = [
    # Liveness probes are answered before anything else runs (and not counted).
    "journal_site.middleware.health.HealthCheckMiddleware",
    "journal_site.middleware.metrics.RequestMetricsMiddleware",
    # Security headers wrap everything below, so answers given early (413,
    # 429) carry them too.
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Size first (413, before the body is read), then text (400, reading a form body that fits).
    "journal_site.middleware.body_size.BodySizeLimitMiddleware",
    "journal_site.middleware.text_encoding.RequireUtf8TextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "journal_site.middleware.gzip.MinimumSizeGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Counts the request and, in the same Redis round trip, reads the user and
    # their statistics version for the two middleware below (journal_site/prefetch.py).
    "journal_site.middleware.ratelimit.RateLimitMiddleware",
    "accounts.middleware.CachedUserAuthenticationMiddleware",
    # While an operator upgrades (manage.py maintenance on): a 503 for all but staff; probes pass. Right
    # after the user is known, before anything below writes (preferences, the sign-in's last use).
    "journal_site.middleware.maintenance.MaintenanceMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "accounts.devices.SignInMiddleware",  # at most one write a minute per session; see docs/account-protection.md
    "django.contrib.messages.middleware.MessageMiddleware",
    "journal_site.middleware.private_headers.PrivateResponseHeadersMiddleware",
]

ROOT_URLCONF = "journal_site.urls"
# Common widgets rendered in Python, with the same markup as Django's templates.
FORM_RENDERER = "journal_site.form_renderer.FastWidgetRenderer"
WSGI_APPLICATION = "journal_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL")
REQUEST_TIMEOUT_SECONDS = env_int("REQUEST_TIMEOUT_SECONDS", 30, minimum=1)

# Every process has its own pool, bounded so that two web machines, Celery and
# an operator stay under PostgreSQL's max_connections (100). These defaults
# suit Celery, beat and manage.py; gunicorn.conf.py sets the web workers' own
# (a minimum of 2, a maximum derived from its workers and threads) and shows
# the sums. docs/operations-consistency.md explains both.
DB_POOL_MIN = env_int("DB_POOL_MIN", 1, minimum=0)
DB_POOL_MAX = env_int("DB_POOL_MAX", 4, minimum=1)
# A request waits this long for a free connection, then answers 503: while PostgreSQL is away every
# request holds a thread this long (docs/limits.md).
DB_POOL_TIMEOUT = env_float("DB_POOL_TIMEOUT", 10.0, minimum=0.1)
# How long the pool keeps retrying a connection it could not open, its waits doubling each time, before it
# gives up and opens a new one when a request next asks. psycopg_pool's default, 300 s, let the waits grow
# to a minute: PostgreSQL back, the site stayed down until the next try (23.5 s measured in CI after a 35 s
# outage, tests/live/test_faults.py). Short, the next request's try comes within a few seconds.
DB_POOL_RECONNECT_TIMEOUT = env_float("DB_POOL_RECONNECT_TIMEOUT", 5.0, minimum=0.1)
DB_POOL_MAX_LIFETIME = env_float("DB_POOL_MAX_LIFETIME", 3600.0, minimum=1.0)
# Connections opened beyond the minimum are closed after this long unused, so
# a burst does not leave PostgreSQL full.
DB_POOL_MAX_IDLE = env_float("DB_POOL_MAX_IDLE", 10.0, minimum=0.5)
if DB_POOL_MIN > DB_POOL_MAX:
    raise ConfigError("DB_POOL_MIN must not exceed DB_POOL_MAX")
# PgBouncer in transaction mode between the journal and PostgreSQL: no
# server-side cursors (a named cursor would outlive the transaction on its
# server connection), no prepared statements, no startup options.
DB_PGBOUNCER = env_bool("DB_PGBOUNCER", False)

if DATABASE_URL:
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        raise ConfigError("DATABASE_URL must be a postgres:// or postgresql:// URL")
    _db = dj_database_url.parse(DATABASE_URL)
    # django-prometheus's wrapper of the same backend counts queries, errors and their durations.
    _db["ENGINE"] = "django_prometheus.db.backends.postgresql"
    _db["CONN_MAX_AGE"] = 0  # the pool keeps connections, not Django
    # Check a pooled connection before handing it out, so a database restart
    # costs one failed check, not a failed request.
    _db["CONN_HEALTH_CHECKS"] = True
    _db["OPTIONS"] = {
        **_db.get("OPTIONS", {}),
        "pool": {
            "min_size": DB_POOL_MIN,
            "max_size": DB_POOL_MAX,
            "timeout": DB_POOL_TIMEOUT,
            "reconnect_timeout": DB_POOL_RECONNECT_TIMEOUT,
            "max_lifetime": DB_POOL_MAX_LIFETIME,
            "max_idle": DB_POOL_MAX_IDLE,
        },
        "connect_timeout": 5,
        # Never prepare statements: a pooler hands each transaction any server connection.
        "prepare_threshold": None,
    }
    if DB_PGBOUNCER:
        # PgBouncer refuses the `options` startup parameter: set statement_timeout
        # on the role or database instead (docs/operations-consistency.md).
        _db["DISABLE_SERVER_SIDE_CURSORS"] = True
    else:
        # A query may not outlive the request that runs it.
        _db["OPTIONS"]["options"] = f"-c statement_timeout={REQUEST_TIMEOUT_SECONDS * 1000}"
    DATABASES = {"default": _db}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django_prometheus.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "journal.sqlite3")),
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SILENCED_SYSTEM_CHECKS = [
    # The index names of docs/data-model.md (ix_conversation_history_created_at, ...) are
    # longer than the 30 characters Oracle allows; PostgreSQL and SQLite allow 63+.
    "models.E034",
    # Usernames are unique regardless of case through the uq_users_username_ci
    # constraint on lower(username), which Django's check does not recognise.
    "auth.W004",
]

# --- Cache ----------------------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "journal"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 5,
                "SOCKET_TIMEOUT": 5,
                # A Redis outage makes the site slower, never broken.
                "IGNORE_EXCEPTIONS": True,
                "CONNECTION_POOL_KWARGS": {"retry_on_timeout": True, "health_check_interval": 30},
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    # Logged once a minute, without a traceback (see LOGGING).
    DJANGO_REDIS_LOGGER = "journal_site.cache_outage"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "journal",
            "OPTIONS": {"MAX_ENTRIES": 10000},
        }
    }

# Rendered template fragments, in each process's own memory: their keys name
# everything they show (an entry's id and last save, the language, the time
# zone), so a process can never serve a stale one and nothing needs sharing or
# invalidating; five minutes bounds how long a deleted entry's card lingers in
# a worker's memory (docs/caching.md).
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": 300,
    "OPTIONS": {"MAX_ENTRIES": 5000},
}

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# The text an account's entries may hold in all (titles and texts, UTF-8 bytes); docs/limits.md.
ACCOUNT_TEXT_BUDGET_BYTES = env_int("ACCOUNT_TEXT_BUDGET_BYTES", 200 * 2**20, minimum=1)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600, minimum=60)

# --- Celery -----------------------------------------------------------------------

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
if CELERY_BROKER_URL is None:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 540, minimum=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With Redis as the broker, a task whose worker died is handed to another
# worker after this many seconds; it must exceed the longest task.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Workers look for such abandoned tasks every few seconds (at most 10), not
    # every 100 s (kombu's 10 s sweep that scans on every 10th call).
    "unacked_restore_interval": max(1, min(10, CELERY_VISIBILITY_TIMEOUT // 3)),
    "unacked_restore_throttle": 1,
}
# Beat's clock: the daily cleanups run at CLEANUP_HOUR:CLEANUP_MINUTE in this
# zone, whenever beat was started (docs/operations-consistency.md).
CELERY_TIMEZONE = env_str("CELERY_TIMEZONE", "UTC")
try:
    ZoneInfo(CELERY_TIMEZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ConfigError(f"CELERY_TIMEZONE must be a time zone name (Europe/Warsaw), got {CELERY_TIMEZONE!r}") from None
CLEANUP_HOUR = env_int("CLEANUP_HOUR", 3, minimum=0, maximum=23)
CLEANUP_MINUTE = env_int("CLEANUP_MINUTE", 30, minimum=0, maximum=59)
_daily_cleanup = crontab(hour=CLEANUP_HOUR, minute=CLEANUP_MINUTE)
# Each task is idempotent and the daily ones take a lock, so a second beat by mistake does no harm.
CELERY_BEAT_SCHEDULE: dict = {
    "heartbeat": {"task": "journal_site.heartbeat", "schedule": 60.0},
    # Tasks recorded while the broker was down (journal_site/outbox.py).
    "relay-outbox": {"task": "journal_site.relay_outbox", "schedule": 60.0, "options": {"expires": 55}},
    "cleanup-conversations": {"task": "conversations.cleanup_conversations", "schedule": _daily_cleanup},
    "accounts-cleanup-stale-tokens": {"task": "accounts.cleanup_stale_tokens", "schedule": _daily_cleanup},
    "accounts-cleanup-account-records": {"task": "accounts.cleanup_account_records", "schedule": _daily_cleanup},
    # Fails jobs stuck past a day and drops payloads no job needs.
    "portability-cleanup-import-jobs": {
        "task": "portability.cleanup_import_jobs",
        "schedule": 3600.0,
        "options": {"expires": 3500},
    },
    # An import whose worker was killed goes to a worker again within minutes, not the hour of
    # CELERY_VISIBILITY_TIMEOUT (portability/imports.py, import_jobs_resume).
    "portability-resume-stalled-imports": {
        "task": "portability.resume_stalled_imports",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Finishes rotations of users' data keys: seals again and retires the old keys (docs/encryption.md).
    "accounts-data-keys-retire": {
        "task": "accounts.data_keys_retire",
        "schedule": 3600.0,
        "options": {"expires": 3500},
    },
    # Seals entries written before sealing began, if any wait; queued after migrate too (docs/encryption.md).
    "diary-entries-seal": {"task": "diary.entries_seal", "schedule": 3600.0, "options": {"expires": 3500}},
    # Photo files that no photo names any more (a crash mid-upload, a failed delete): docs/photos.md.
    "diary-photos-orphans-delete": {"task": "diary.photos_orphans_delete", "schedule": _daily_cleanup},
    # Claims each user with a conditional update, so a duplicate run sends nothing twice.
    "reminders": {"task": "diary.send_due_reminders", "schedule": 300.0, "options": {"expires": 290}},
}

# --- Auth ---------------------------------------------------------------------------

CSRF_FAILURE_VIEW = "journal_site.views.csrf_failure"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.UsernameOrEmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- API ------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.CachedJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "journal_site.parsers.JSONParser",  # DRF's, with every bad body a 400
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=5),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": SECRET_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Journal API",
    "DESCRIPTION": "Diary entries, emotions, statistics and the AI companion.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from our own static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "journal_site.schema.error_responses",  # 400/401/403/404/413/415/429 where they can happen
    ],
}

# --- Internationalisation -----------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("pl", "Polski")]
# The journal's own catalogues first, then lower-case Polish month and weekday names (docs/dates.md).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "journal_site" / "dates_locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- Static files ----------------------------------------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Photos (docs/photos.md) -------------------------------------------------------------------

# Where the sealed photo files live: a folder under VAR_DIR by default, any S3-compatible bucket when
# ATTACHMENTS_S3_BUCKET is set. The journal serves every byte itself after the owner check, so the
# bucket stays private (no public URLs, no ACLs).
ATTACHMENTS_S3_BUCKET = env_str("ATTACHMENTS_S3_BUCKET")
if ATTACHMENTS_S3_BUCKET:
    from botocore.config import Config as _S3Config

    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": ATTACHMENTS_S3_BUCKET,
            "endpoint_url": env_str("ATTACHMENTS_S3_ENDPOINT_URL"),
            "region_name": env_str("ATTACHMENTS_S3_REGION"),
            # Unset: boto3's own chain (the instance's role, ~/.aws, AWS_* variables).
            "access_key": env_str("ATTACHMENTS_S3_ACCESS_KEY_ID"),
            "secret_key": env_str("ATTACHMENTS_S3_SECRET_ACCESS_KEY"),
            "location": env_str("ATTACHMENTS_S3_PREFIX", ""),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            # A file being read waits on disk above 1 MB, not in memory.
            "max_memory_size": 1024 * 1024,
            # A store that does not answer fails the request within REQUEST_TIMEOUT_SECONDS (a 503 saying so),
            # not after botocore's own minute. (Given a client_config, django-storages takes the addressing
            # style from it alone.)
            "client_config": _S3Config(
                connect_timeout=5, read_timeout=20, retries={"max_attempts": 3, "mode": "standard"},
                s3={"addressing_style": env_choice("ATTACHMENTS_S3_ADDRESSING", "path", {"path", "virtual", "auto"})},
            ),
        },
    }
else:
    STORAGES["attachments"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env_str("ATTACHMENTS_DIR", str(VAR_DIR / "attachments")),
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 64_000_000, minimum=10_000)
PHOTO_QUOTA_BYTES = env_int("PHOTO_QUOTA_BYTES", 2 * 1024 * 1024 * 1024, minimum=0)
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_MAX_AGE = 3600

# --- Email -----------------------------------------------------------------------------------

EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 10
elif PRODUCTION:
    # The console backend would write password-reset and undo links, which are
    # keys to accounts, into the process's log (docs/account-security.md).
    raise ConfigError("EMAIL_HOST must be set when DJANGO_ENV=production: emails carry sign-in links")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "journal@localhost")
# Where the journal is reached from outside; links in emails sent without a request (reminders).
# A production site must say it: the development default would send users to 127.0.0.1.
SITE_URL = env_str("SITE_URL")
if SITE_URL is None:
    if PRODUCTION:
        raise ConfigError("SITE_URL must be set when DJANGO_ENV=production, e.g. https://journal.example.com")
    SITE_URL = "http://127.0.0.1:8000"
elif not SITE_URL.startswith(("https://", "http://")):
    raise ConfigError("SITE_URL must start with https:// or http://")

# --- Limits (docs/limits.md) -----------------------------------------------------------------

MAX_BODY_BYTES = env_int("MAX_BODY_BYTES", 1024 * 1024, minimum=1024)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 25 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_BODY_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_BODY_BYTES
RATE_LIMIT_PER_MINUTE = env_int("RATE_LIMIT_PER_MINUTE", 60, minimum=1)
# Reads of photo files, counted apart: a gallery or a list of cards asks for many at once (docs/photos.md).
PHOTO_READS_PER_MINUTE = env_int("PHOTO_READS_PER_MINUTE", 600, minimum=1)
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
MAX_CONNECTIONS = env_int("MAX_CONNECTIONS", 100, minimum=1)
CONVERSATION_RETENTION_DAYS = env_int("CONVERSATION_RETENTION_DAYS", 30, minimum=1)
REFRESH_TOKEN_STALE_DAYS = env_int("REFRESH_TOKEN_STALE_DAYS", 7, minimum=1)

# --- Metrics -----------------------------------------------------------------------------------

# In production nothing is allowed by default: every process on the host (a
# same-host proxy included) would otherwise count as a trusted scraper.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", [] if PRODUCTION else ["127.0.0.1", "::1"])
METRICS_TOKEN = env_str("METRICS_TOKEN")
if PRODUCTION and not METRICS_TOKEN and not METRICS_ALLOWED_IPS:
    raise ConfigError(
        "METRICS_TOKEN or METRICS_ALLOWED_IPS must be set when DJANGO_ENV=production, "
        "so that only your scraper reads /metrics"
    )
PROMETHEUS_EXPORT_MIGRATIONS = False

# --- AI companion ---------------------------------------------------------------------------------

AI_PROVIDER = env_choice("AI_PROVIDER", "offline", {"offline", "openai"})
AI_BASE_URL = env_str("AI_BASE_URL", "http://127.0.0.1:11434/v1")
AI_MODEL = env_str("AI_MODEL", "llama3.1")
AI_API_KEY = env_str("AI_API_KEY", "")
AI_TIMEOUT_SECONDS = env_float("AI_TIMEOUT_SECONDS", float(REQUEST_TIMEOUT_SECONDS), minimum=0.1)

# --- Security -----------------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # /healthz and /readyz are probed over plain HTTP from inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Logging --------------------------------------------------------------------------------------------

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"})
LOG_FORMAT = env_choice("LOG_FORMAT", "json" if PRODUCTION else "text", {"json", "text"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": JSON_FORMATTER,
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {
        "once_per_minute": {"()": "journal_site.logfilters.OncePerMinute"},
        # A path that carries a secret (a password-reset link) is logged as its route.
        "secret_paths": {"()": "journal_site.access_log.SecretPathFilter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["secret_paths"]}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Never log request bodies: django.request logs only the path and status.
        "django.db.backends": {"level": "WARNING"},
        "journal_site.cache_outage": {"filters": ["once_per_minute"]},
    },
}

