"""The one settings module for tests. DATABASE_URL/REDIS_URL come from the environment (CI
sets them to PostgreSQL and Redis); without them tests run on SQLite and eager tasks."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdef"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / ".test-media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
# Serve static files from the apps' folders, as in development (no collectstatic needed).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Login rate limiting off: tests log in with client.login; the axes test turns it on.
AXES_ENABLED = False
# Computed on every request: tests compare figures after writes that bypass history
# (queryset.update); the cache has its own tests, which turn it on.
STATS_CACHE_SECONDS = env.int("STATS_CACHE_SECONDS", default=0)
