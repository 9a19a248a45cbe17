"""Programmes and agreements in the admin: written through the services, with the workflow's
rows shown and never edited, and every change in the history with who made it."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from events.models import Event
from institutions.models import Institution
from programmes.models import Agreement, Partnership, Programme
from tests.admin import ALMATY, admin_url, form_data, hosted_event, post_change, readonly_values
from tests.admin import table_rows as rows_of
from tests.factories import AgreementFactory, AgreementPartyFactory

pytestmark = pytest.mark.django_db


# --- Programmes -------------------------------------------------------------------------------


def test_programme_change_form_shows_status_but_cannot_change_it(admin_client, abay_programme):
    url = admin_url(Programme, "change", abay_programme.pk)
    response = admin_client.get(url)
    data = form_data(response, Programme)

    assert "status" not in data
    assert readonly_values(response)["status"] == "Draft"

    data["status"] = [Programme.Status.APPROVED]
    data["title"] = ["Days of culture, 2022 and 2023"]
    admin_client.post(url, data)
    abay_programme.refresh_from_db()
    assert (abay_programme.title, abay_programme.status) == (
        "Days of culture, 2022 and 2023",
        Programme.Status.DRAFT,
    )


def test_adding_a_programme_makes_the_lead_and_records_the_draft(admin_client, admin_user, gallery):
    data = form_data(admin_client.get(admin_url(Programme, "add")), Programme)
    data.update(
        title=["Kazakhstan Education Days"],
        kind=[Programme.Kind.EDUCATION_FAIR],
        lead=[str(gallery.pk)],
        starts_on=["2026-04-01"],
        ends_on=["2026-04-30"],
    )

    response = admin_client.post(admin_url(Programme, "add"), data)

    programme = Programme.objects.get(title="Kazakhstan Education Days")
    assert response["Location"] == admin_url(Programme, "change", programme.pk)
    assert [(p.institution, p.role) for p in programme.partnerships.all()] == [
        (gallery, Partnership.Role.LEAD)
    ]
    assert [(t.from_status, t.to_status, t.actor) for t in programme.transitions.all()] == [
        ("", Programme.Status.DRAFT, admin_user)
    ]
    assert programme.created_by == admin_user


def partner_row(data: dict[str, list[str]], institution: Institution) -> str:
    """The prefix of ``institution``'s row in the partners inline of a programme form."""
    return next(
        name.removesuffix("-institution")
        for name, values in data.items()
        if name.startswith("partnerships-")
        and name.endswith("-institution")
        and values == [str(institution.pk)]
    )


def partners_formset(response):
    return next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.opts.model is Partnership
    )


def test_a_programme_cannot_get_a_second_lead(admin_client, abay_programme, theatre):
    url = admin_url(Programme, "change", abay_programme.pk)
    data = form_data(admin_client.get(url), Programme)
    data[f"{partner_row(data, theatre)}-role"] = [Partnership.Role.LEAD]

    response = admin_client.post(url, data)

    assert partners_formset(response).errors == [
        {},
        {"__all__": ["A programme has only one lead institution."]},
    ]
    assert theatre.partnerships.get().role == Partnership.Role.PARTNER


def test_a_programme_cannot_lose_its_lead(admin_client, abay_programme, gallery):
    url = admin_url(Programme, "change", abay_programme.pk)
    data = form_data(admin_client.get(url), Programme)
    data[f"{partner_row(data, gallery)}-role"] = [Partnership.Role.PARTNER]

    response = admin_client.post(url, data)

    assert partners_formset(response).non_form_errors() == [
        "A programme has exactly one lead institution; 0 are marked lead."
    ]
    assert gallery.partnerships.get().role == Partnership.Role.LEAD


def test_programme_page_lists_its_events_on_the_clock_of_their_place(
    admin_client, abay_exhibition, theatre
):
    hosted_event(
        programme=abay_exhibition.programme,
        host=theatre,
        title="Gala concert",
        starts_at=datetime.datetime(2026, 5, 14, 19, 0, tzinfo=ALMATY),
    )

    response = admin_client.get(admin_url(Programme, "change", abay_exhibition.programme.pk))

    events = next(
        formset
        for formset in response.context["inline_admin_formsets"]
        if formset.opts.model is Event
    )
    shown = [
        {field.field["name"]: str(field.contents()) for line in fieldset for field in line}
        for inline_form in events
        for fieldset in inline_form
    ]
    assert [(row["title"], row["local_start"], row["local_end"]) for row in shown] == [
        (
            "Abay. Heritage of Fraternal Peoples",
            "2022-12-19 10:00 Asia/Tashkent",
            "2022-12-19 12:00 Asia/Tashkent",
        ),
        ("Gala concert", "2026-05-14 19:00 Asia/Almaty", "2026-05-14 21:00 Asia/Almaty"),
    ]


# --- Agreements -------------------------------------------------------------------------------


def new_agreement_data(client, parties: list[Institution], **values: str) -> dict[str, list[str]]:
    data = form_data(client.get(admin_url(Agreement, "add")), Agreement)
    data.update(
        title=["Memorandum between the gallery and the theatre"],
        kind=[Agreement.Kind.MEMORANDUM],
        signed_on=["2022-12-22"],
        valid_from=[""],
    )
    data.update({name: [value] for name, value in values.items()})
    for index, institution in enumerate(parties):
        data[f"party_rows-{index}-institution"] = [str(institution.pk)]
    return data


def agreement_form_errors(response) -> dict[str, list[str]]:
    return response.context["adminform"].form.errors


def party_errors(response) -> list[str]:
    (parties,) = [
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "party_rows"
    ]
    return parties.formset.non_form_errors()


def test_adding_an_agreement_with_two_parties_puts_it_in_force_from_signing(
    admin_client, admin_user, gallery, theatre
):
    response = admin_client.post(
        admin_url(Agreement, "add"), new_agreement_data(admin_client, [gallery, theatre])
    )

    agreement = Agreement.objects.get()
    assert response["Location"] == admin_url(Agreement, "changelist")
    assert (agreement.valid_from, set(agreement.parties.all())) == (
        datetime.date(2022, 12, 22),
        {gallery, theatre},
    )
    assert agreement.history.get().history_user == admin_user


def test_a_refusal_of_the_service_is_shown_on_the_form_with_the_input_kept(
    admin_client, gallery, theatre, monkeypatch
):
    def refuse(**values):
        raise ValidationError("The registry of agreements is closed for the day.")

    # Any refusal the form could not foresee, from any admin that saves through a service.
    monkeypatch.setattr("programmes.admin.agreements.agreement_create", refuse)

    response = admin_client.post(
        admin_url(Agreement, "add"), new_agreement_data(admin_client, [gallery, theatre])
    )

    form = response.context["adminform"].form
    assert (response.status_code, form.non_field_errors()) == (
        200,
        ["The registry of agreements is closed for the day."],
    )
    assert form["title"].value() == "Memorandum between the gallery and the theatre"
    assert Agreement.objects.count() == 0


def test_a_new_agreement_is_not_terminated_yet(admin_client):
    data = form_data(admin_client.get(admin_url(Agreement, "add")), Agreement)

    assert "terminated_on" not in data


def test_a_new_agreement_with_an_end_asks_for_its_start(admin_client, gallery, theatre):
    response = admin_client.post(
        admin_url(Agreement, "add"),
        new_agreement_data(admin_client, [gallery, theatre], valid_until="2020-01-01"),
    )

    assert agreement_form_errors(response) == {
        "valid_from": ["With an end date, give the date it takes effect too."]
    }
    assert Agreement.objects.count() == 0


def test_an_agreement_needs_two_different_parties(admin_client, gallery):
    response = admin_client.post(
        admin_url(Agreement, "add"), new_agreement_data(admin_client, [gallery, gallery])
    )

    assert party_errors(response) == ["Please correct the duplicate data for institution."]
    assert Agreement.objects.count() == 0


def test_an_agreement_keeps_two_parties_when_one_is_deleted(admin_client, gallery, theatre):
    treaty = AgreementFactory(title="Treaty on Eternal Friendship")
    AgreementPartyFactory(agreement=treaty, institution=gallery)
    AgreementPartyFactory(agreement=treaty, institution=theatre)

    response = post_change(admin_client, treaty, **{"party_rows-1-DELETE": "on"})

    assert party_errors(response) == ["Please submit at least 2 forms."]
    assert set(treaty.parties.all()) == {gallery, theatre}


# --- History ----------------------------------------------------------------------------------


def latest_history_row(client, obj) -> dict[str, str]:
    """The newest row of ``obj``'s history page, by the page's column heads."""
    heads = ["object", "date", "comment", "changed by", "reason", "changes"]
    newest = rows_of(client.get(admin_url(type(obj), "history", obj.pk)), "change-history")[0]
    return dict(zip(heads, [text for _css_class, text in newest], strict=True))


def changes_by(user: User, change: str) -> dict[str, str]:
    return {"comment": "Changed", "changed by": str(user), "changes": change}


def who_and_what(row: dict[str, str]) -> dict[str, str]:
    return {name: row[name] for name in ("comment", "changed by", "changes")}


def test_event_history_shows_the_change_and_who_made_it(admin_client, admin_user, abay_exhibition):
    post_change(admin_client, abay_exhibition, title="Abay: Heritage of Two Peoples")

    row = latest_history_row(admin_client, abay_exhibition)

    assert who_and_what(row) == changes_by(
        admin_user, "Title: Abay. Heritage of Fraternal Peoples → Abay: Heritage of Two Peoples"
    )


def test_programme_history_shows_the_change_and_who_made_it(
    admin_client, admin_user, abay_programme
):
    post_change(admin_client, abay_programme, ends_on="2026-06-30")

    row = latest_history_row(admin_client, abay_programme)

    assert who_and_what(row) == changes_by(admin_user, "Ends on: 2026-12-31 → 2026-06-30")


def test_agreement_history_shows_the_change_and_who_made_it(
    admin_client, admin_user, gallery, theatre
):
    treaty = AgreementFactory(
        title="Treaty on Eternal Friendship", signed_on=datetime.date(1998, 10, 31)
    )
    AgreementPartyFactory(agreement=treaty, institution=gallery)
    AgreementPartyFactory(agreement=treaty, institution=theatre)

    post_change(admin_client, treaty, valid_until="2028-10-31")

    row = latest_history_row(admin_client, treaty)
    assert who_and_what(row) == changes_by(admin_user, "Valid until: None → 2028-10-31")
    assert treaty.history.first().history_user == admin_user
