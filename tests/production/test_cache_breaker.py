"""A hung Redis costs one wait, not one per cache call: after a call times out, the process
leaves Redis alone for a while, then asks it again.

The test starts a Redis of its own, stops it with SIGSTOP (it accepts connections and answers
nothing, as a hung server does), and counts the commands the client sends it; it skips, saying
why, without the redis-server program."""

import signal
from pathlib import Path

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

from core import cache_breaker
from core.caching import cached, content_changed
from tests.production.servers import free_port
from tests.production.test_redis_outage import REDIS_SERVER, _start_redis


@pytest.fixture
def hung_redis():
    if not Path(REDIS_SERVER).exists():
        pytest.skip("the redis-server program is missing (Debian: apt-get install redis-server)")
    port = free_port()
    server = _start_redis(port)
    try:
        yield server, f"redis://127.0.0.1:{port}/0"
    finally:
        server.send_signal(signal.SIGCONT)
        server.kill()
        server.wait(timeout=10)


def redis_caches(url: str) -> dict:
    """CACHES with the Redis at ``url``, its client as in production, short timeouts."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.3,
                "SOCKET_TIMEOUT": 0.3,
                "REDIS_CLIENT_CLASS": "core.cache_breaker.PausingRedis",
            },
        }
    }


@pytest.fixture
def sent(monkeypatch):
    """The commands the client sent to Redis (redis-py's connection, counted)."""
    commands = []
    original = redis.connection.AbstractConnection.send_command

    def counting(self, *args, **kwargs):
        commands.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_command", counting)
    monkeypatch.setattr(cache_breaker, "_paused_until", 0.0)
    monkeypatch.setattr(cache_breaker, "_unsure", False)
    return commands


def test_a_hung_redis_is_asked_once_then_left_alone_for_a_while(hung_redis, sent, monkeypatch):
    server, url = hung_redis
    with override_settings(CACHES=redis_caches(url)):
        cache = caches.create_connection("default")
        cache.set("greeting", "salom")
        server.send_signal(signal.SIGSTOP)
        answered_while_hung = [cache.get("greeting") for _call in range(10)]
        commands_while_hung = len(sent)

        # The pause over, Redis is asked again, and once it answers it is used as before.
        monkeypatch.setattr(cache_breaker, "_paused_until", 0.0)
        server.send_signal(signal.SIGCONT)
        answered_after = cache.get("greeting")

    assert answered_while_hung == [None] * 10
    # After the SET made before the hang, the one GET that waited for the timeout.
    assert sent[sent.index("SET") + 1 : commands_while_hung] == ["GET"]
    assert answered_after == "salom"


@pytest.mark.django_db
def test_a_change_made_while_redis_hung_is_seen_once_it_answers(hung_redis, monkeypatch):
    """The change could not move the content version; the first call that reaches Redis again
    moves it, so what was cached before the change is not served after it."""
    server, url = hung_redis
    monkeypatch.setattr(cache_breaker, "_paused_until", 0.0)
    monkeypatch.setattr(cache_breaker, "_unsure", False)
    with override_settings(CACHES=redis_caches(url)):
        before = cached("calendar page", lambda: "before the change")
        server.send_signal(signal.SIGSTOP)
        content_changed()  # a service's write, while Redis does not answer
        monkeypatch.setattr(cache_breaker, "_paused_until", 0.0)
        server.send_signal(signal.SIGCONT)
        after = cached("calendar page", lambda: "after the change")

    assert (before, after) == ("before the change", "after the change")
