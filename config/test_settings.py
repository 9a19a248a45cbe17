"""Settings for the test suite: the real settings, with a fixed key and fast hashing."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-not-a-secret")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Tasks run as they are queued, so a test reads their mail at once; tests/production/test_mail.py
# runs the database queue and its worker.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
SECURE_SSL_REDIRECT = False
# Tests need no collectstatic, and keep their cache and sessions in the process, whatever
# REDIS_URL the environment holds (tests/production starts real servers for Redis).
# Uploaded documents stay in memory, so a test run leaves no files behind.
STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Room for a feed's thousands of VEVENTs without culling what else is kept, as in Redis.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Most tests sign in through the test client, which calls authenticate() without a request,
# as django-axes cannot count; tests/production/test_abuse.py switches both guards back on.
AXES_ENABLED = False
RATELIMIT_ENABLE = False

# Calendar files kept on disk (calendars/calendar_files.py): a folder of this test run's own,
# emptied before each test (tests/conftest.py).
CALENDAR_FILES_DIR = Path(tempfile.mkdtemp(prefix="dostlik-test-calendar-files-"))
