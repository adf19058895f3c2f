"""Settings for the test suite: the real settings with fast hashing, plain static storage
(no collectstatic needed for live_server) and in-process Celery unless a test starts a worker."""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
WHITENOISE_AUTOREFRESH = True
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions in the database whatever REDIS_URL says; tests/test_request_floor.py runs the Redis store.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Batches of exactly k, the strictest case for the anonymity tests (tests/test_request_floor.py
# runs a larger batch).
BALLOT_BATCH_SIZE = 0
# Tests talk plain HTTP to the test client and live_server: no HTTPS redirect or secure cookies
# (tests/test_security.py checks the production values through `check --deploy`).
HTTPS = SECURE_SSL_REDIRECT = SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Roles read on every request, as before accounts.role_cache: query counts compare requests
# with each other (tests/test_role_cache.py switches the cache on).
CXZY_ROLE_CACHE = False
