"""Settings for 创先争优.

Everything that differs between a first run, the tests and production comes from the
environment. With no DATABASE_URL the app uses an embedded SQLite file; with no REDIS_URL the
Celery worker and beat pass their messages through files in var/celery/, so a first run needs no
other server.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CXZY_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
# Mass-evaluation ballots wait in an encrypted mixing pool and are counted in batches of at least
# this many (k-anonymity against database dumps; README "Anonymous ballots"). 1 counts at once.
BALLOT_MIX_SIZE = max(1, int(os.environ.get("CXZY_BALLOT_MIX", "5")))
# While voting, a batch is counted once this many ballots wait beyond the k kept back (at least
# k): each batch rewrites every voted roll row and counter, so larger batches cost less per ballot.
BALLOT_BATCH_SIZE = int(os.environ.get("CXZY_BALLOT_BATCH", "20"))
ALLOWED_HOSTS = [
    h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "django_celery_beat",
    "django_filters",  # list filters (activities, awards…)
    "axes",  # login throttling
    "csp",  # Content Security Policy header
    "core",  # bottom: shared plumbing that knows no app
    "formguard",  # shared form safety: text checks, one-time submission tokens, edit checks
    "branches",
    "campaigns",
    "accounts",
    "activities",
    "evaluations",
    "notices",  # notices issued to units (动员部署)
    "exchange",  # experience articles and exchange meetings (部门横向交流)
    "pledges",
    "duties",  # duty reports (述职述廉) and their assessment
    "supervision",
    "awards",
    "reports",
    "home",  # top: each role's home page, assembled from the sections the apps offer
    "demo",  # the demo institute (scripts/run)
    "bench",  # the group-scale generator and the benchmark: management commands only
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.AccessMiddleware",  # request.access: roles and permissions, lazily
    "core.middleware.PrivatePagesMiddleware",  # no-store on every page and file of a logged-in person
    "core.middleware.ErrorPagesMiddleware",  # a page for the bodiless 405 and 429
    "django.contrib.messages.middleware.MessageMiddleware",
    "formguard.middleware.SubmissionResultMiddleware",  # where a create form led, for a second send
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the audit history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"  # the site's page, not Django's English one

# Benchmark only (bench/, scripts/bench): count each request's queries in X-Query-Count and add
# the floor page. Off unless the environment asks for it.
if env_bool("BENCH_COUNT_QUERIES"):
    MIDDLEWARE.insert(0, "bench.middleware.QueryCountMiddleware")
    ROOT_URLCONF = "bench.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.access",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, and a statement run a few times on a connection prepared
    # once (issues 17 and 18). PostgreSQL then plans it once instead of on every request: the
    # planning of the user's, the roles' and the ballot's statements cost more than running
    # them (pg_stat_statements: 0.45 ms planning against 0.1 ms running for the user's), and
    # binding a sealed ballot of 17 KB on the client meant sending it as a hex literal. It pays
    # with persistent connections (DB_CONN_MAX_AGE, set by scripts/run). DB_PREPARE_THRESHOLD
    # empty turns preparing off, for a pooler that cannot keep prepared statements (PgBouncer
    # in transaction mode before 1.21).
    _threshold = os.environ.get("DB_PREPARE_THRESHOLD", "5")
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=int(_threshold) if _threshold else None
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("CXZY_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "CXZY_STATICFILES_STORAGE", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads are read into memory only up to this size; rosters larger than this are refused.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "cxzy@localhost")

# Celery: always a real worker and beat (scripts/run starts them; deploy/ has their systemd units),
# so the scheduled jobs (django-celery-beat, DatabaseScheduler) run in every deployment. The
# broker is Redis with REDIS_URL; without it, kombu's filesystem transport: each message is a file
# in var/celery/queue (web, worker and beat on one machine), so a first run needs no server.
# CXZY_TASKS_INLINE=1 runs each task in the process that asks for it instead (no worker, no
# schedule): for one-off command-line runs only. The tests do this too (config/test_settings.py).
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_QUEUE_DIR = VAR_DIR / "celery"
CELERY_BROKER_URL = REDIS_URL or "filesystem://localhost//"  # the host name is ignored
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CXZY_TASKS_INLINE", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# The cache stays Django's per-process default (local memory), even with REDIS_URL: nothing shared
# lives in it, so pages keep working while Redis is down (see core/queue.py for queued work).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# With REDIS_URL, sessions are read from Redis and written through to the database
# (accounts/sessions.py: a Redis restart loses nothing, Redis down falls back to the database).
# Without it, from the database only: a per-process cache would keep a signed-out session alive
# in the other workers.
if REDIS_URL:
    CACHES["sessions"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("CXZY_SESSION_REDIS_URL", REDIS_URL),
        # A Redis that hangs must not hang every page: give up quickly, read the database.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    SESSION_ENGINE = "accounts.sessions"
    SESSION_CACHE_ALIAS = "sessions"
# A broker that is down must not hang a request: connect quickly, and let core.queue keep the
# call in its outbox when the broker cannot be reached.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
    # Redis: a message taken by a worker whose main process dies is delivered again only after
    # this many seconds. Just above the longest task time limit (CELERY_TASK_TIME_LIMIT, the
    # reports' 30 minutes): a running task is never delivered twice, a lost one soon again.
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60,
    # filesystem:// (ignored by Redis): one folder is both ends' queue; exchange bindings in control/.
    "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
    "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
    "control_folder": str(CELERY_QUEUE_DIR / "control"),
}
if not REDIS_URL:
    # The transport does not create its folders, and a missing one would fail the request that
    # queues a task (core/queue.py keeps a call for later only when the broker is unreachable).
    for _folder in ("queue", "control"):
        (CELERY_QUEUE_DIR / _folder).mkdir(parents=True, exist_ok=True)
    if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        # The embedded SQLite file is shared by the web server, the worker and beat: a write
        # transaction takes its lock when it begins (no deadlock between two that began as
        # readers), and waits up to 20 s for another writer instead of failing at once.
        DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
SIMPLE_HISTORY_REVERT_DISABLED = True  # the audit trail is for reading, not for rolling back

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# Names used in page titles and headers.
SITE_TITLE = _("Strive for Excellence")

# --- Security (issue 8) -------------------------------------------------------------------
# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username, or
# from one address, further logins (even with the right password) are refused until the cool-off
# has passed or an administrator deletes the attempt in the admin (访问尝试) or runs
# `manage.py axes_reset_username <name>`. The lockout page: accounts/security.py.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("CXZY_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("CXZY_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"
# Behind a reverse proxy, the number of proxies whose X-Forwarded-For entries may be trusted
# (1 for the nginx of deploy/): the client is the address they added, not the proxy's
# (core/client_address.py; tests/test_deploy.py checks it through nginx).
CXZY_PROXY_COUNT = int(os.environ.get("CXZY_PROXY_COUNT") or 0)
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_address"

# HTTPS: on by default in production (DEBUG off). DJANGO_HTTPS=0 for a plain-HTTP intranet
# deployment (scripts/run on 127.0.0.1). Behind a TLS-terminating proxy, set
# DJANGO_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO (the proxy must set that header itself).
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000")) if HTTPS else 0
# Subdomains and the browsers' preload list belong to whoever runs the intranet's domain: opt in.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
    # The embedded SQLite default ignores the covering part of the pledge index (PostgreSQL uses it).
    *(["models.W040"] if DATABASES["default"]["ENGINE"].endswith("sqlite3") else []),
]
if os.environ.get("DJANGO_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (os.environ["DJANGO_PROXY_SSL_HEADER"], "https")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): only the application's own files; no inline script or
# style anywhere (templates use classes from static/css and behaviours from static/js). Bootstrap's
# CSS draws a few icons as data: SVG images.
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

# --- Logins and sign-in (issue 16; README "Logins and sign-in") -----------------------------
# The site's own address: links in e-mails (password reset) and on the printed login slips are
# built from it, never from the request's Host header (which a client chooses).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")
# Password reset by e-mail only where mail is configured: without EMAIL_HOST the "forgot
# password" link is not shown and its page says to ask the office.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
PASSWORD_RESET_BY_EMAIL = bool(EMAIL_HOST)
if EMAIL_HOST:
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    if "DJANGO_EMAIL_BACKEND" not in os.environ:
        EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Django's similarity check compares whole strings ("staffstaff1" passes for "staff"): this one
# refuses a password that contains the login name or the person's name in pinyin.
AUTH_PASSWORD_VALIDATORS.append({"NAME": "accounts.validators.LoginNameValidator"})
# Sign-in with the institute directory's password (django-auth-ldap, accounts/ldap.py), matched
# to the person by employee number. Without LDAP_URL: local passwords only.
LDAP_URL = os.environ.get("LDAP_URL", "")
LDAP_EMPLOYEE_NUMBER_ATTR = os.environ.get("LDAP_EMPLOYEE_NUMBER_ATTR", "employeeNumber")
if LDAP_URL:
    import ldap
    from django_auth_ldap.config import LDAPSearch

    AUTH_LDAP_SERVER_URI = LDAP_URL
    AUTH_LDAP_BIND_DN = os.environ.get("LDAP_BIND_DN", "")
    AUTH_LDAP_BIND_PASSWORD = os.environ.get("LDAP_BIND_PASSWORD", "")
    AUTH_LDAP_USER_SEARCH = LDAPSearch(
        os.environ.get("LDAP_USER_SEARCH_BASE", ""),
        ldap.SCOPE_SUBTREE,
        os.environ.get("LDAP_USER_FILTER", "(uid=%(user)s)"),
    )
    AUTH_LDAP_START_TLS = env_bool("LDAP_START_TLS", False)
    AUTH_LDAP_CONNECTION_OPTIONS = {ldap.OPT_NETWORK_TIMEOUT: 5, ldap.OPT_TIMEOUT: 10}
    # Nothing is copied from the directory onto the login (the person is the roster's), so a
    # sign-in writes nothing to the login's history.
    AUTH_LDAP_ALWAYS_UPDATE_USER = False
    # After django-axes (which refuses locked-out names first), before local passwords (kept
    # for the administrator and logins the directory does not know).
    AUTHENTICATION_BACKENDS.insert(1, "accounts.ldap.LDAPBackend")
