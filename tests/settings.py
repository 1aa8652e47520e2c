"""Test settings: the real settings module, fed the environment a test run needs."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret-" + "x" * 40)
os.environ.setdefault("TOKEN_ENCRYPTION_KEY", "tests-only-token-key-" + "y" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("ORCHESTRATOR_URL", "http://127.0.0.1:9")  # tests point it at a stand-in
os.environ.setdefault("ORCHESTRATOR_TOKEN", "demo-service-token")

from orchestrator_web.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES["default"] = {  # noqa: F405
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "OPTIONS": {"MAX_ENTRIES": 20_000},
}
ORCHESTRATOR_TIMEOUT = 5.0
JOB_REFRESH_SECONDS = 0  # tests move the stand-in's clock, not the real one
ORCHESTRATOR_CONNECT_TIMEOUT = 2.0
# Serve static files from the finders: no collectstatic before tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# A file, not memory: other processes (gunicorn in the load tests) and threads can share it.
# Beside the database DATABASE_URL names, when it names one: runs on different files never meet.
if str(DATABASES["default"]["ENGINE"]).endswith("sqlite3"):  # noqa: F405
    _name = ".pytest-db.sqlite3" if "DATABASE_URL" not in os.environ else f"{DATABASES['default']['NAME']}.pytest"  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / _name)}  # noqa: F405
