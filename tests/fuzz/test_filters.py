"""Every page's query string, filled with generated names and values — the filters the page
offers (``country``, ``institution``, ``programme``, ``kind``, ``status``, ``from``, ``to``,
``q``, ``page``, the calendar's ``view`` and ``date``, the reports' ``year``, the admin's
``q``, ``o`` and list filters...) with the values it offers and with garbage, and any other
name — answers without a server error, for each role that opens the page. Before the drawn
examples, the first role of each URL sends each name the page sends back to itself each value
of ``EVERY_NAME_GETS``, alone."""

from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzz.cases import get_cases, params
from tests.fuzz.examples import FUZZ, rolled_back
from tests.fuzz.inputs import TEXT, garbage, one_name_each, query_strings
from tests.fuzz.pages import fetch
from tests.fuzz.sending import send_get

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("case", params(get_cases()))
def test_any_query_string_answers_without_a_server_error(world, pages, case):
    url = case.url(world)
    page = fetch(case.client(world), url)
    own = page.query_values() if page else {}

    @FUZZ
    @given(query=query_strings(own, pages.query_names(case.role)))
    def answers(query):
        with rolled_back():
            send_get(case.client(world), url, query)

    for query in one_name_each(own) if case.first else []:
        answers = example(query=query)(answers)
    answers()


def autocomplete_lookups() -> list[tuple[str, str, str]]:
    """The fields the admin completes, on its pages and their inlines, read from its registry:
    the ``app_label``, ``model_name`` and ``field_name`` an autocomplete query names."""
    return sorted(
        (each.model._meta.app_label, each.model._meta.model_name, field)
        for model_admin in admin.site._registry.values()
        for each in [model_admin, *model_admin.inlines]
        for field in each.autocomplete_fields
    )


LOOKUP_NAMES = ("app_label", "model_name", "field_name")


def autocomplete_query(lookup: tuple, term: str, page: str) -> str:
    return urlencode({**dict(zip(LOOKUP_NAMES, lookup, strict=True)), "term": term, "page": page})


def test_the_admins_autocomplete_answers_any_query_without_a_server_error(world):
    """The autocomplete is no page of its own (the matrix requests it without a query): its
    lookups come from the admin's registry, its search term and page from anywhere; each
    lookup is sent a NUL byte and a page past any number once."""
    url = reverse("admin:autocomplete")
    lookups = st.one_of(
        st.sampled_from(autocomplete_lookups()), st.tuples(garbage(), garbage(), garbage())
    )

    @FUZZ
    @given(
        lookup=lookups,
        term=st.one_of(TEXT, garbage()),
        page=st.one_of(st.sampled_from(["1", "2"]), garbage()),
        extra=query_strings({}, {}),
    )
    def answers(lookup, term, page, extra):
        query = autocomplete_query(lookup, term, page)
        with rolled_back():
            client = Client()
            client.force_login(world.users["admin"])
            send_get(client, url, f"{query}&{extra}" if extra else query)

    for lookup in autocomplete_lookups():
        for term, page in (("a\x00b", "1"), ("", "9" * 40)):
            answers = example(lookup=lookup, term=term, page=page, extra="")(answers)
    answers()
