"""Every message of the code is translated into every language of the site.

``makemessages`` runs on a copy of the project, as a translator would run it on theirs: it
collects the messages of the code and templates, merges them into each language's catalog,
and the test fails for each message it leaves without a translation (new, changed, or marked
fuzzy). The working tree is never touched: makemessages writes temporary files next to the
templates it reads and rewrites the catalogs.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from multilingual.catalogs import is_translated, read_catalog

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]

# What a copy of the project leaves out: the virtualenv and other hidden folders, what is built
# or uploaded, what the tests leave behind.
NOT_COPIED = shutil.ignore_patterns(
    ".*", "__pycache__", "*.pyc", "*.mo", "*.sqlite3*", "node_modules", "staticfiles", "media",
    "test-artifacts", "tmp",
)  # fmt: skip

pytestmark = pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="makemessages needs GNU gettext (xgettext, msguniq, msgmerge): apt-get install gettext",
)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """The locale folder of a copy of the project after makemessages for every language."""
    project = tmp_path_factory.mktemp("makemessages") / "project"
    shutil.copytree(settings.BASE_DIR, project, ignore=NOT_COPIED)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", *(f"--locale={code}" for code in LANGUAGES)],
        cwd=project,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return project / "locale"


@pytest.mark.parametrize("language", LANGUAGES)
def test_makemessages_leaves_no_message_untranslated(extracted, language):
    catalog = read_catalog(extracted / language / "LC_MESSAGES" / "django.po")

    untranslated = [
        message.id if isinstance(message.id, str) else message.id[0]
        for message in list(catalog)[1:]
        if not is_translated(message)
    ]

    assert untranslated == []
