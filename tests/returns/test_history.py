"""History of every change to figures, requests and campaigns: bulk imports included."""

import pytest
from django.urls import reverse

from returns.importing.service import import_long
from returns.models import Figure
from returns.verification import verify_figures
from tests.returns.files.helpers import HERE, make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported_figure(caseworker):
    campaign = make_campaign()
    data = (HERE / "clean_long.csv").read_bytes()
    assert import_long(campaign, data, "clean_long.csv", user=caseworker).ok
    return Figure.objects.get(
        request__force__name="Durham Constabulary", period="2016/17", breakdown=""
    )


def test_it_records_a_bulk_import_and_a_later_edit_as_two_events(
    imported_figure, caseworker, second_caseworker
):
    imported_figure.value = 191
    imported_figure._history_user = second_caseworker
    imported_figure.save()

    events = list(imported_figure.history.order_by("history_date"))
    assert [(e.history_type, e.history_user, e.value) for e in events] == [
        ("+", caseworker, 190),
        ("~", second_caseworker, 191),
    ]
    assert events[0].history_change_reason == "Imported from clean_long.csv"


def test_it_records_verification_as_its_own_event(imported_figure, verifier):
    verify_figures(verifier, [imported_figure])

    latest = imported_figure.history.latest()
    assert (latest.history_user, latest.verified_by_id) == (verifier, verifier.pk)


def test_it_records_who_changed_a_figure_through_the_admin(
    client, imported_figure, second_caseworker
):
    client.force_login(second_caseworker)
    change = reverse("admin:returns_figure_change", args=[imported_figure.pk])
    form = client.get(change).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: "" if v is None else v for k, v in data.items()}
    data["value"] = 200

    response = client.post(change, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = imported_figure.history.latest()
    assert (latest.history_user, latest.value) == (second_caseworker, 200)


def test_it_shows_a_figures_history_in_the_admin(client, imported_figure, verifier):
    verify_figures(verifier, [imported_figure])
    client.force_login(verifier)

    response = client.get(reverse("admin:returns_figure_history", args=[imported_figure.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Imported from clean_long.csv" in page
    assert "Verified" in page


def test_it_shows_a_requests_history_in_the_admin(client, imported_figure, administrator):
    foi_request = imported_figure.request
    foi_request.reference = "DC-1"
    foi_request._history_user = administrator
    foi_request.save()
    client.force_login(administrator)

    response = client.get(reverse("admin:returns_foirequest_history", args=[foi_request.pk]))

    assert response.status_code == 200
    assert foi_request.history.latest().history_user == administrator


@pytest.fixture
def recorded(monkeypatch):
    """Every call of returns.history.record, the one writer of figure history, as (type, n)."""
    from returns import history

    calls = []
    real = history.record

    def spy(model, ids, **kwargs):
        ids = list(ids)
        calls.append((kwargs["history_type"], len(ids)))
        return real(model, ids, **kwargs)

    monkeypatch.setattr(history, "record", spy)
    return calls


def test_every_figure_history_row_is_written_by_the_one_recorder(
    recorded, caseworker, second_caseworker, verifier
):
    campaign = make_campaign()
    data = (HERE / "clean_long.csv").read_bytes()
    assert import_long(campaign, data, "clean_long.csv", user=caseworker).ok
    figures = Figure.objects.filter(request__campaign=campaign)
    created = figures.count()
    corrected = data.replace(b",190,", b",191,")
    assert import_long(campaign, corrected, "corrected.csv", user=caseworker).ok
    verify_figures(verifier, list(figures.filter(value=191)))
    figure = figures.get(value=191)
    figure.note = "checked by phone"
    figure._history_user = second_caseworker
    figure.save()
    figure_id = figure.pk
    figure.delete()

    assert recorded == [("+", created), ("~", 1), ("~", 1), ("~", 1), ("-", 1)]
    from returns.models import Figure as F

    rows = F.history.filter(id=figure_id).order_by("history_id")
    assert [(row.history_type, row.history_user, row.value) for row in rows] == [
        ("+", caseworker, 190),
        ("~", caseworker, 191),
        ("~", verifier, 191),
        ("~", second_caseworker, 191),
        ("-", second_caseworker, 191),
    ]
    assert rows.last().note == "checked by phone"


def test_a_deletion_that_rolls_back_leaves_no_history_row(imported_figure):
    from django.db import transaction

    history = Figure.history.filter(id=imported_figure.pk)
    before = history.count()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            imported_figure.delete()
            raise RuntimeError("the delete failed")

    assert history.count() == before == 1
