"""One request of a fuzz example, and the check every answer must pass: no exception, no 5xx.

The test client re-raises what a view raised; the failure names the method, the URL, what was
sent and the exception, whose traceback follows as the cause."""

import reprlib
from urllib.parse import urlsplit

from django.http import HttpResponse
from django.test import Client

SHOWN = reprlib.Repr(maxstring=300, maxother=300, maxlist=12, maxdict=30)


def merged(url: str, query: str) -> tuple[str, str]:
    """``url``'s path, and its own query followed by ``query``."""
    parts = urlsplit(url)
    return parts.path, "&".join(part for part in (parts.query, query) if part)


def send_get(client: Client, url: str, query: str) -> HttpResponse:
    path, query_string = merged(url, query)
    where = f"GET {path}?{query_string!r}"
    try:
        response = client.get(path, QUERY_STRING=query_string)
    except Exception as error:
        raise AssertionError(f"{where} raised {error!r}") from error
    assert response.status_code < 500, f"{where} answered {response.status_code}"
    return response


def send_post(client: Client, url: str, data: dict[str, list]) -> HttpResponse:
    where = f"POST {url} with {SHOWN.repr(data)}"
    try:
        response = client.post(url, data)
    except Exception as error:
        raise AssertionError(f"{where} raised {error!r}") from error
    assert response.status_code < 500, f"{where} answered {response.status_code}"
    return response
