import os
import shutil

import pytest
from django.core.cache import caches
from django.utils import translation

# In CI every test must run: a test that skips (no PostgreSQL, no Redis, no chromium) fails there.
FAIL_ON_SKIP = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if FAIL_ON_SKIP and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"Skipped in CI, where every test must run: {reason}"


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    """Each test starts on an empty cache: a test's rows are rolled back after it, but what was
    kept from them under the data stamp (core/caching.py) or on disk
    (calendars/calendar_files.py) would otherwise outlive them."""
    for cache in caches.all():
        cache.clear()
    shutil.rmtree(settings.CALENDAR_FILES_DIR, ignore_errors=True)


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Each test starts in the site's default language, whatever language a test before it
    activated in this process (a management command speaks the active language)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
