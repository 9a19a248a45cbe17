import pytest
from django.conf import settings
from django.test import override_settings

from multilingual.catalogs import catalog_paths, compile_catalog


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs():
    """The catalogs as ``make install`` compiles them, from the .po files as they are now, so
    these tests do not depend on an install having run since the last translation. A catalog
    that does not compile keeps its previous .mo (test_catalogs says why it does not compile).
    Catalogs read before are read again (changing LOCALE_PATHS clears Django's cache)."""
    for po_path in catalog_paths(settings.LOCALE_PATHS):
        compile_catalog(po_path)
    with override_settings(LOCALE_PATHS=list(settings.LOCALE_PATHS)):
        yield
