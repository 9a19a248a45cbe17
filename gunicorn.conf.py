"""Gunicorn settings for Dostlik: `gunicorn -c gunicorn.conf.py config.wsgi`.

Each value can be changed from the environment without editing this file, so one file serves a
laptop (`make serve`) and every app server behind a load balancer.
"""

import multiprocessing
import os

# Where the server listens. Behind nginx or a load balancer keep it on 127.0.0.1 or a private
# address: the proxy terminates TLS and sets X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Synchronous workers with threads: the app waits on PostgreSQL and Redis, not on the CPU, so a
# few threads per process serve slow clients without a process each. Workers: the usual twice
# the cores, plus one.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"

# A request that takes longer than this is killed and its worker replaced: a stuck query must
# not hold a worker for ever. Exports of a year of events finish well within it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# With threads, that timeout stops a worker whose every thread hangs, not one slow request: each
# query of the app server is bounded by PostgreSQL (config/settings.py), well within it.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "30s")
graceful_timeout = 30
keepalive = 5

# Workers are replaced now and then, so memory a long-running process gathers is given back.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200

# Logs go to stderr, where systemd or the container runtime collects them. Gunicorn's access
# log stays off: it would write calendar feed tokens, which travel in the request path. Request
# lines are left to the app's own logging (LOGGING in config/settings.py).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# The address the proxy reached us from is trusted for X-Forwarded-* only from these.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# No control socket: its default path is one per user, so a second server on the same machine
# (two app servers, a test beside `make serve`) would take it over from the first.
control_socket_disable = True

# The application is loaded once in the master and shared by the workers (less memory, and an
# error in the settings stops the start instead of every worker failing one by one). Database
# connections are opened per worker, after the fork, by Django itself.
preload_app = True
wsgi_app = "config.wsgi:application"
