"""Settings shared by every environment, read from the environment (django-environ).

With nothing set, the app runs on SQLite with Celery tasks executed in process, which is
what a newcomer's laptop needs. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY etc.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="insecure-dev-key-change-me-" + "x" * 24)
# Encrypts the units' private signing keys (replies.signing); defaults to SECRET_KEY.
SIGNING_KEY_SECRET = env("SIGNING_KEY_SECRET", default=SECRET_KEY)
# The record copy (replies/services/record_copy.py): the address the unit certificates
# name for the committee CA's CRL, and a time-stamping authority for PAdES B-LTA (empty:
# B-LT) with the root(s) its certificate chains to (a PEM file).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
TSA_URL = env("TSA_URL", default="")
TSA_TRUST_ROOTS = env("TSA_TRUST_ROOTS", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A form refused for its CSRF token gets a Chinese page that says what to do, not Django's.
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "proposals",
    "replies",
    "jobs",
    "insights",
    "demo",
    "rls",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The committee of the request, for PostgreSQL's row-level security (rls/).
    "rls.middleware.CommitteeScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Login rate limiting (django-axes): 5 failures for one username from one address lock that
# pair out for 15 minutes, shown by registration/lockout.html (HTTP 429).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "config.login.axes_username"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "proposals.context_processors.notices",
                "proposals.context_processors.navigation",
                "replies.context_processors.signature_queue",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# PostgreSQL with the committees' wall (rls/): the app connects as DATABASE_URL's role, which
# owns nothing and cannot bypass row-level security; `manage.py migrate` connects as this
# URL's role (the tables' owner, with BYPASSRLS), then grants the app role its rights.
MIGRATION_DATABASE_URL = env("MIGRATION_DATABASE_URL", default="")
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))

# Celery: with no broker configured, tasks run in process (eager) for a laptop.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
# One cache for all processes when Redis is there (the statistics, the search's candidates).
CACHES = {
    "default": (
        {"BACKEND": "config.cache.ResilientRedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# The statistics dashboard is kept this long in the cache, under a key that changes with
# any change to the data (insights.stats.cached_dashboard); 0 computes it on every request.
STATS_CACHE_SECONDS = env.int("STATS_CACHE_SECONDS", default=600)
# The public site's pages (公开答复, /gongkai/) are kept this long in the cache, under a
# version that changes when a publication of the committee changes; 0 turns it off.
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=600)
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == "memory://"
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A dead broker must fail a publish within ~1-2 s so pages never hang: the task stays in
# the outbox (jobs.outbox) and flush_outbox delivers it later.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=1.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
    "max_retries": 0,
    # Redis hands an unacknowledged message (acks_late) to another worker after this many
    # seconds: longer than the longest job (a province's 汇编 takes minutes) and than the
    # longest retry countdown (retry_backoff_max, 600 s), or a job still running would be
    # run twice. A killed worker's job does not wait for it: see JOB_STALE_AFTER.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 60 * 60),
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_BEAT_SCHEDULE = {
    "deadline-scan-daily": {
        "task": "proposals.scan_deadlines",
        "schedule": crontab(hour=7, minute=0),  # CELERY_TIMEZONE: Asia/Shanghai
    },
    "outbox-flush": {"task": "jobs.flush_outbox", "schedule": 60.0},
    # Jobs and imports whose worker died (no heartbeat for JOB_STALE_AFTER): re-queued.
    "stale-jobs-sweep": {"task": "jobs.sweep_stale", "schedule": 60.0},
    "stale-imports-sweep": {"task": "insights.sweep_stale_imports", "schedule": 60.0},
    "record-copies-retry": {"task": "replies.retry_record_copies", "schedule": 600.0},
    "form-tokens-purge-daily": {
        "task": "proposals.purge_form_tokens",
        "schedule": crontab(hour=3, minute=0),
    },
}

# A running job (jobs.heartbeat) records a heartbeat with its progress and at least every
# JOB_HEARTBEAT_SECONDS; one not heard of for JOB_STALE_AFTER seconds lost its worker: its
# page says 已中断 and the sweep above re-queues it, until it has been interrupted
# JOB_MAX_INTERRUPTIONS times, when it fails. Keep JOB_STALE_AFTER several heartbeats long.
JOB_HEARTBEAT_SECONDS = env.float("JOB_HEARTBEAT_SECONDS", default=30.0)
JOB_STALE_AFTER = env.float("JOB_STALE_AFTER", default=180.0)
JOB_MAX_INTERRUPTIONS = env.int("JOB_MAX_INTERRUPTIONS", default=3)

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="提案办理系统 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # One line per task run and per login is noise at INFO; warnings still show.
        "celery.app.trace": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # The record copy: fontTools (read by pikepdf's PDF/A check) finds LibreOffice's
        # font dates odd, and pyHanko warns that it fetches nothing: by design, the CRLs it
        # embeds are the committee CA's own.
        "fontTools": {"level": "ERROR"},
        "pyhanko.sign.signers.pdf_signer": {"level": "ERROR"},
    },
}

# Letter conversions (.docx → PDF) read their settings straight from the environment (or
# .env, which read_env above copies into it): the letter package imports no Django.
#   UNOSERVER_HOST, UNOSERVER_PORT — a warm LibreOffice (manage.py unoserver); empty port: off
#   LIBREOFFICE_BINARY — the soffice of a cold start; empty: libreoffice/soffice on PATH
# See docs/deploy.md, "A warm LibreOffice for letter conversions".
