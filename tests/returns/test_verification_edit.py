"""Editing a verified figure sends it back to unverified; other saves leave it verified."""

import pytest
from django.forms import BooleanField
from django.urls import reverse

from returns.models import Figure
from returns.verification import verify_figures
from tests.factories import FigureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified_figure(caseworker, verifier):
    figure = FigureFactory(entered_by=caseworker, value=98, note="as published")
    verify_figures(verifier, [figure])
    return Figure.objects.get(pk=figure.pk)


@pytest.mark.parametrize(
    "change",
    [
        {"value": 323},
        {"status": Figure.Status.SUPPRESSED, "value": None, "raw_value": "<5"},
        {"status": Figure.Status.NOT_HELD, "value": None},
        {"note": "restated by the force"},
        {"period": "2015/16"},
        {"category": "13", "breakdown": "victim_age"},
    ],
)
def test_it_unverifies_a_figure_whose_checked_values_change(verified_figure, change):
    for field, value in change.items():
        setattr(verified_figure, field, value)
    verified_figure.save()

    stored = Figure.objects.get(pk=verified_figure.pk)
    assert stored.verified_by is None and stored.verified_at is None


def test_it_unverifies_when_saving_only_some_fields(verified_figure):
    verified_figure.value = 1
    verified_figure.save(update_fields=["value"])

    assert not Figure.objects.get(pk=verified_figure.pk).is_verified


def test_it_keeps_a_figure_verified_when_saved_unchanged(verified_figure):
    verified_figure.save()

    assert Figure.objects.get(pk=verified_figure.pk).is_verified


def test_it_keeps_a_figure_verified_after_a_refresh_and_unchanged_save(verified_figure):
    verified_figure.refresh_from_db()
    verified_figure.save()

    assert Figure.objects.get(pk=verified_figure.pk).is_verified


def test_it_records_the_unverifying_edit_in_the_history(verified_figure, second_caseworker):
    verified_figure.value = 99
    verified_figure._history_user = second_caseworker
    verified_figure.save()

    latest = verified_figure.history.first()
    assert latest.value == 99
    assert latest.verified_at is None
    assert latest.history_user == second_caseworker


def formset_post_data(response):
    """The change page's own form and inline formsets as POST data, ready to alter."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += list(formset.forms)
        management = formset.management_form.initial.items()
        data.update({f"{formset.prefix}-{key}": value for key, value in management})
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field, BooleanField) and not value:
                continue  # an unticked box is not posted
            if isinstance(value, list | tuple):
                value = [str(item) for item in value]
            data[form.add_prefix(name)] = "" if value is None else value
    return data


def test_it_unverifies_a_figure_edited_on_the_request_page(
    client, verified_figure, second_caseworker
):
    client.force_login(second_caseworker)
    page = reverse("admin:returns_foirequest_change", args=[verified_figure.request_id])
    data = formset_post_data(client.get(page))
    key = next(k for k, v in data.items() if k.endswith("-value") and str(v) == "98")
    data[key] = 99

    response = client.post(page, data)

    assert response.status_code == 302, response.context and [
        f.errors for i in response.context["inline_admin_formsets"] for f in i.formset.forms
    ]
    stored = Figure.objects.get(pk=verified_figure.pk)
    assert (stored.value, stored.is_verified) == (99, False)
    assert stored.history.latest().history_user == second_caseworker
