"""Editing a verified figure sends it back to unverified; other saves leave it verified."""

import pytest

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
