"""Settings of the benchmark's servers (``bench/run.py``): the app's own, plus the peer feed and
the trivial view (``bench.urls``) and a folder of static files served by WhiteNoise at the site's
root, where the benchmark writes the bytes of a Dostlik feed to measure the limit against."""

from config.settings import *  # noqa: F403
from config.settings import env

ROOT_URLCONF = "bench.urls"

# WhiteNoise serves this folder's files at "/<name>", scanned when the server starts.
if _bench_static := env.str("BENCH_STATIC_ROOT", default=""):
    WHITENOISE_ROOT = _bench_static
