"""Broadsheet's one settings module. Every knob comes from the environment (docs/configuration.md).

Defaults suit a laptop: SQLite and media under `var/`, the in-process cache, DEBUG off.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from broadsheet.core import themes
from broadsheet.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("BROADSHEET_DATA_DIR", str(Path.cwd() / "var"))).resolve()


def _secret_key() -> str:
    """BROADSHEET_SECRET_KEY, or a key generated once into the data folder (never in git)."""
    from_env = env_str("BROADSHEET_SECRET_KEY", "")
    if from_env:
        return from_env
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("BROADSHEET_DEBUG", False)

# Blogs live at the base domain (the default blog), at `<slug>.<base domain>` and at their own
# custom domains, which the operator adds to BROADSHEET_ALLOWED_HOSTS.
BASE_DOMAIN = env_str("BROADSHEET_BASE_DOMAIN", "localhost").lower()
ALLOWED_HOSTS = [
    BASE_DOMAIN,
    f".{BASE_DOMAIN}",
    "127.0.0.1",
    "[::1]",
    *env_list("BROADSHEET_ALLOWED_HOSTS", []),
]
SECURE = env_bool("BROADSHEET_HTTPS", False)
# The port readers reach the site on, for links built without a request (mail, hub pings,
# exports): 0 means the scheme's default. `make run` sets it to the port it serves on.
PUBLIC_PORT = env_int("BROADSHEET_PUBLIC_PORT", 0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "broadsheet.worker",
    "broadsheet.blogs",
    "broadsheet.posts",
    "broadsheet.media",
    "broadsheet.comments",
    "broadsheet.search",
    "broadsheet.stats",
    "broadsheet.subscribers",
    "broadsheet.federation",
    "broadsheet.webmention",
    "broadsheet.feeds",
    "broadsheet.reader",
    "broadsheet.studio",
    "broadsheet.api",
    "broadsheet.portability",
    "broadsheet.publish",
    "broadsheet.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # ETag on every GET and 304 Not Modified for a matching If-None-Match / If-Modified-Since;
    # the ETag is the hash of the body, so any write that changes a page changes its ETag.
    "django.middleware.http.ConditionalGetMiddleware",
    "broadsheet.core.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, the first reader of a form: a charset Django can't decode is a
    # 400 here, not an error the CSRF check raises again on the error page (a 500).
    "broadsheet.core.bodies.FormEncodingMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "broadsheet.blogs.middleware.BlogMiddleware",
    # Old addresses of imported blogs (WordPress ?p=ID, moved paths) answer with a 301.
    "broadsheet.portability.middleware.RedirectMiddleware",
    # Tells the page cache's WSGI front (broadsheet.wsgi) which answers it may keep.
    "broadsheet.reader.pagecache.PageCacheMiddleware",
    # Last, as django-axes asks: it turns a lock-out noticed during sign-in into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "broadsheet.urls"
WSGI_APPLICATION = "broadsheet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "broadsheet.studio.context_processors.worker_notice",
            ],
        },
    },
]

_sqlite_path = DATA_DIR / "broadsheet.sqlite3"
SQLITE_MMAP_BYTES = 1 << 30  # SQLite caps it at its build's limit (2 GB on Debian's)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{_sqlite_path}"),
        conn_max_age=None if env_str("DATABASE_URL", "").startswith("sqlite") else 600,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = None
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE avoids the "database is
        # locked" upgrade deadlock of deferred transactions under concurrent writers.
        # The file is read through a memory map (up to SQLITE_MMAP_BYTES): without it every
        # page a query touches is one read() call and a copy, and a query that scans the
        # posts (sitemaps, counts) reads their bodies too, page by page, again for each
        # query: 100,000 calls and 0.1 to 0.15 s of system time in a static export after one
        # new post on 10,000 posts (bench/RESULTS.md, issue 19, session 10).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
            f" PRAGMA foreign_keys=ON; PRAGMA mmap_size={SQLITE_MMAP_BYTES};"
        ),
        "transaction_mode": "IMMEDIATE",
    }
elif env_bool("BROADSHEET_DB_PREPARED", True):
    # Django turns psycopg's prepared statements off for every connection. The few queries
    # that every page miss sends with new values (`core.planned.planned_once`) are
    # prepared after their fifth run on a connection, so the server stops planning them each
    # time; Django's own queries are never prepared (its cursors write the values into the
    # SQL). Off (0) behind a PgBouncer older than 1.21 in transaction mode (docs/deploy.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)

# Redis when REDIS_URL is set: one cache (pages, rate limits, single-use tokens) for every app
# process on every machine. Without it, the default cache (rate limits, single-use comment
# tokens) is a table of the database, so a limit or a spent token holds across every process
# that shares it, and the page cache lives in files under the data folder, shared by every
# process on this machine (app workers, the task worker, commands), so a write anywhere
# reaches every reader. (A per-process memory cache would let a reader double every limit by
# landing on another worker, and replay a comment token there.)
REDIS_URL = env_str("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    _redis: dict[str, Any] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env_str("BROADSHEET_CACHE_PREFIX", "broadsheet"),
    }
    CACHES = {"default": _redis, "pages": _redis}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "broadsheet_cache",  # made by the migration blogs 0004
        },
        "pages": {
            # Django's file cache, but culled on one write in 64 (core/pagecache/filecache.py).
            "BACKEND": "broadsheet.core.pagecache.filecache.FileCache",
            "LOCATION": str(DATA_DIR / "cache" / "pages"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
    }
# The full-page cache (docs/caching.md).
PAGE_CACHE = env_bool("BROADSHEET_PAGE_CACHE", True)
PAGE_CACHE_ALIAS = "pages"
PAGE_CACHE_SECONDS = env_int("BROADSHEET_PAGE_CACHE_SECONDS", 3600)
PAGE_CACHE_LOCAL_ENTRIES = env_int("BROADSHEET_PAGE_CACHE_LOCAL_ENTRIES", 500)

# Reads counted without cookies (docs/stats.md): on unless turned off; the daily breakdown by
# referrer, search words, device and browser is kept this many days; the worker folds the
# spool this often.
STATS_ENABLED = env_bool("BROADSHEET_STATS", True)
STATS_RETENTION_DAYS = env_int("BROADSHEET_STATS_RETENTION_DAYS", 90)
STATS_EVERY_SECONDS = env_int("BROADSHEET_STATS_EVERY_SECONDS", 300)
# How long a CDN may serve a page without asking again; 0 makes it ask every time.
CDN_MAX_AGE = env_int("BROADSHEET_CDN_MAX_AGE", 0)
# Published pages also written as files for nginx to serve (one machine; docs/deploy.md).
# `broadsheet serve --front nginx` runs its own nginx on `pages/` (broadsheet/ops/front.py);
# while its configuration is there, every process on this data folder (the worker, an import
# in another terminal) keeps those files current too.
PAGE_MIRROR_DIR = env_str("BROADSHEET_PAGE_MIRROR_DIR", "") or (
    str(DATA_DIR / "pages") if (DATA_DIR / "nginx" / "nginx.conf").exists() else ""
)
# Pages of a blog with a scheduled post waiting are written to the mirror too, because a
# process moves the blog's version the moment the post comes due (`broadsheet serve` does,
# and sets this, when it runs nginx in front; otherwise they are left to the app).
PAGE_MIRROR_SCHEDULED = env_bool("BROADSHEET_PAGE_MIRROR_SCHEDULED", False)
# Static copies of the blogs, one folder per blog, written by the task worker when an admin
# asks in the studio ("Static copy"), and after every write when the mirror is on
# (docs/static-export.md). Unset: no copies, and the studio page says so.
STATIC_EXPORT_DIR = env_str("BROADSHEET_STATIC_EXPORT_DIR", "")
STATIC_MIRROR = env_bool("BROADSHEET_STATIC_MIRROR", False)

# Background work (imports, comment notifications) is queued in the database; `broadsheet worker`
# runs it, and `broadsheet serve` runs one unless told the workers run elsewhere (docs/deploy.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Signing in (the studio): django-axes counts failures per IP address and, separately, per
# user name, so neither guessing many passwords for one account nor one address trying many
# accounts gets far. Unknown and known user names are counted alike: the lock-out says
# nothing about whether an account exists.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("BROADSHEET_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("BROADSHEET_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "broadsheet.studio.accounts.locked_out"
AXES_CLIENT_IP_CALLABLE = "broadsheet.core.clients.client_ip"
AXES_USERNAME_CALLABLE = "broadsheet.studio.accounts.attempted_username"
LOGIN_URL = "studio:login"
LOGIN_REDIRECT_URL = "studio:home"
LOGOUT_REDIRECT_URL = "studio:login"

# Email (password resets, invitations): printed to the console until an SMTP server is set.
_SMTP_HOST = env_str("BROADSHEET_SMTP_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if _SMTP_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = _SMTP_HOST or "localhost"
EMAIL_PORT = env_int("BROADSHEET_SMTP_PORT", 587)
EMAIL_HOST_USER = env_str("BROADSHEET_SMTP_USER", "")
EMAIL_HOST_PASSWORD = env_str("BROADSHEET_SMTP_PASSWORD", "")
EMAIL_USE_SSL = env_bool("BROADSHEET_SMTP_SSL", False)
EMAIL_USE_TLS = env_bool("BROADSHEET_SMTP_STARTTLS", not EMAIL_USE_SSL)
if EMAIL_USE_SSL and EMAIL_USE_TLS:
    raise ImproperlyConfigured("Set BROADSHEET_SMTP_SSL or BROADSHEET_SMTP_STARTTLS, not both.")
EMAIL_TIMEOUT = 15
DEFAULT_FROM_EMAIL = env_str("BROADSHEET_EMAIL_FROM", f"Broadsheet <broadsheet@{BASE_DOMAIN}>")
# Posting by email (off until set): the domain of blogs' secret addresses, whose mail
# `broadsheet postbyemail serve` receives (or `fetch` collects from an IMAP mailbox).
POST_BY_EMAIL_DOMAIN = env_str("BROADSHEET_POST_BY_EMAIL_DOMAIN", "").lower()
POST_BY_EMAIL_IMAP_HOST = env_str("BROADSHEET_POST_BY_EMAIL_IMAP_HOST", "")
POST_BY_EMAIL_IMAP_PORT = env_int("BROADSHEET_POST_BY_EMAIL_IMAP_PORT", 993)
POST_BY_EMAIL_IMAP_USER = env_str("BROADSHEET_POST_BY_EMAIL_IMAP_USER", "")
POST_BY_EMAIL_IMAP_PASSWORD = env_str("BROADSHEET_POST_BY_EMAIL_IMAP_PASSWORD", "")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True


def _media_storage() -> dict[str, object]:
    """Uploaded media on the local disk, or in an S3-compatible bucket (MEDIA_STORAGE=s3),
    which every app machine shares. Credentials come from boto3's own variables
    (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), never from this file."""
    kind = env_str("MEDIA_STORAGE", "local")
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(f"MEDIA_STORAGE={kind!r} is neither 'local' nor 's3'.")
    bucket = env_str("S3_BUCKET", "")
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET.")
    options = {
        "bucket_name": bucket,
        "endpoint_url": env_str("S3_ENDPOINT_URL", "") or None,
        "region_name": env_str("S3_REGION", "") or None,
        "custom_domain": env_str("S3_CUSTOM_DOMAIN", "") or None,
        "location": env_str("S3_PREFIX", "media"),
        # Media is public, like the posts that show it: plain URLs, no expiring signatures.
        "querystring_auth": False,
        "file_overwrite": False,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": _media_storage(),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "broadsheet.core.staticfiles.KeptUrls"  # WhiteNoise's, addresses kept
        )
    },
}
WHITENOISE_USE_FINDERS = env_bool("BROADSHEET_STATIC_FROM_SOURCE", False)
# Themes the operator adds (docs/themes.md): a folder of theme folders; each one's `static/`
# is served at /static/themes/<name>/ once `broadsheet setup` has collected it.
THEMES_DIR = env_str("BROADSHEET_THEMES_DIR", "")
STATICFILES_DIRS = themes.static_dirs(THEMES_DIR)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# The app serves MEDIA_ROOT itself (embedded mode); turn off when nginx or a CDN serves it.
SERVE_MEDIA = env_bool("BROADSHEET_SERVE_MEDIA", True)
MAX_IMAGE_BYTES = env_int("BROADSHEET_MAX_IMAGE_MB", 10) * 1024 * 1024
# Checked from the image header before any pixel is decoded: a small file can claim a size
# that takes gigabytes to decode (a decompression bomb).
MAX_IMAGE_PIXELS = env_int("BROADSHEET_MAX_IMAGE_MEGAPIXELS", 50) * 1_000_000
# A post's or page's body, in UTF-8 bytes: a little over a megabyte (posts.size).
MAX_POST_BYTES = env_int("BROADSHEET_MAX_POST_BYTES", 1_200_000)
# A backup restored into a blog is untrusted: past these it is refused whole, whether the
# archive declares the size or only unpacks to it (portability.archive).
RESTORE_MAX_BYTES = env_int("BROADSHEET_RESTORE_MAX_BYTES", 2 << 30)
RESTORE_MAX_FILES = env_int("BROADSHEET_RESTORE_MAX_FILES", 20_000)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cookies and transport: strict by default, Secure once the site is served over HTTPS.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = env_int("BROADSHEET_HSTS_SECONDS", 31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = env_bool("BROADSHEET_HSTS_PRELOAD", SECURE)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BROADSHEET_BEHIND_PROXY", False) else None
)
X_FRAME_OPTIONS = "DENY"

# Follow by Email (docs/subscribers.md): how many newsletter mails a minute the worker sends,
# and the secret a mail provider's bounce webhook must present (the webhook is off without it).
NEWSLETTER_RATE = env_int("BROADSHEET_NEWSLETTER_RATE", 600)
if NEWSLETTER_RATE < 1:
    raise ImproperlyConfigured("BROADSHEET_NEWSLETTER_RATE must be 1 or more (mails a minute).")
NEWSLETTER_WEBHOOK_TOKEN = env_str("BROADSHEET_NEWSLETTER_WEBHOOK_TOKEN", "")

# WebSub: the hub the posts feeds name, pinged when a post is published (off when empty).
WEBSUB_HUB = env_str("BROADSHEET_WEBSUB_HUB", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("BROADSHEET_LOG_LEVEL", "WARNING")},
}
