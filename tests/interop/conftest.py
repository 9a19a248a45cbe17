import pytest

from .parsers import PARSERS, icaljs_missing


@pytest.fixture
def icaljs_ready():
    """ical.js runs under node from tests/interop/node_modules (`npm ci --prefix
    tests/interop`); on a machine without them the test is skipped, and in CI, where skips
    fail, the reason says what to install."""
    missing = icaljs_missing()
    if missing:
        pytest.skip(f"ical.js cannot run: {missing}")


@pytest.fixture(params=list(PARSERS))
def read(request):
    """Each of the three parsers in turn, as `read(ics, window=..., limit=...)`."""
    if request.param == "ical.js":
        request.getfixturevalue("icaljs_ready")
    return PARSERS[request.param]
