"""Every form, POSTed with generated data — the form as its page wrote it with one field
changed, or every field drawn: the choices it offers, garbage (long text, NUL bytes, huge and
negative numbers, malformed dates), names missing, repeated or added, random files where it
takes a file — answers without a server error, for each role that may use it.

The fields are read from the rendered page: the form on the URL's own page, or, for a URL that
has none, on the page of the record it belongs to (a workflow step, a decision) or on any page
the role opens (signing out, the language). Every URL the matrix POSTs to must have its form
found, or the fuzz would send garbage alone; a URL whose form no page shows (an import's
confirmation) is sent the names of the site's other forms and garbage. Before the drawn
examples, the first role of each URL sends every field each value of ``EVERY_NAME_GETS`` at
once."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzz.cases import params, post_cases
from tests.fuzz.examples import FUZZ, rolled_back
from tests.fuzz.inputs import every_field_each, form_data
from tests.fuzz.sending import send_post
from tests.permission_matrix.site_rows import is_told_why

pytestmark = pytest.mark.django_db

# POST targets whose form no page shows the role, and why.
FORM_SHOWN_ELSEWHERE = {
    "calendars:import_confirm": "on the preview that an uploaded file answers with",
}
# The same, for one sample of a URL: the edit pages of an approved programme and its events post
# to the amendments app, which saves a change or proposes it as an amendment.
SAMPLE_FORM_SHOWN_ELSEWHERE = {
    ("programmes:edit", "approved"): "on the same page, posting to amendments:programme",
    ("events:edit", "approved_public_event"): "on the same page, posting to amendments:event",
}


def has_a_form_somewhere(case) -> bool:
    """Whether the role should find the form of a URL the matrix POSTs to: not where its form
    is shown only after another step, nor where the role is sent away from it (the sign-in page,
    once signed in)."""
    sent_away = case.row.get is not None and case.row.get[case.role].status == 302
    return (
        case.row.post is not None
        # A step its status no longer allows: the programme's page offers no button for it.
        and not is_told_why(case.row.post[case.role])
        and case.row.key not in FORM_SHOWN_ELSEWHERE
        and (case.row.key, case.row.label) not in SAMPLE_FORM_SHOWN_ELSEWHERE
        and not sent_away
    )


@pytest.mark.parametrize("case", params(post_cases()))
def test_any_form_data_answers_without_a_server_error(world, pages, case):
    url = case.url(world)
    forms = pages.forms_for(case)
    assert forms or not has_a_form_somewhere(case), f"no page shows {case.role} a form to {url}"
    initial = case.row.post_data(world) if case.row.post_data else None
    names = pages.post_names(case.role)
    bodies = st.one_of(*(form_data(form, initial, names) for form in forms or [None]))

    @FUZZ
    @given(data=bodies)
    def answers(data):
        with rolled_back():
            send_post(case.client(world), url, data)

    for form in (forms or [None]) if case.first else []:
        for data in every_field_each(form, initial):
            answers = example(data=data)(answers)
    answers()
