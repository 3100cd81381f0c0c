"""The meaning of cells in forces' own tables, end to end (issue 12, points 5 to 7): each table
of tests/returns/files/force_tables/meanings is imported from its request as a caseworker
would, and must be stored as its reading says (readings.py there)."""

import pytest

from returns.importing.reading import Choices
from returns.importing.service import import_wide
from returns.models import Figure
from returns.statistics import compute_statistics
from tests.returns.files.force_tables.meanings.readings import READINGS
from tests.returns.files.helpers import cells, make_campaign

pytestmark = pytest.mark.django_db


def imported(reading, user=None):
    campaign = make_campaign(periods=reading.periods)
    request = campaign.requests.get(force__name="Northumbria Police")
    choices = Choices(markers=reading.markers) if reading.markers else None
    outcome = import_wide(
        request, reading.data, reading.breakdown, reading.name, user, choices=choices
    )
    return campaign, outcome


def stored(campaign):
    return {
        (period, breakdown, category): cell[:3]
        for (_, period, breakdown, category), cell in cells(campaign).items()
    }


def readings(refused):
    return [
        pytest.param(
            reading,
            id=reading.name,
            marks=[pytest.mark.skip(reason=reading.needs)] if reading.needs else [],
        )
        for reading in READINGS
        if bool(reading.refused) == refused
    ]


@pytest.mark.parametrize("reading", readings(refused=False))
def test_it_stores_each_table_as_its_reading_says(reading, caseworker):
    campaign, outcome = imported(reading, caseworker)

    assert outcome.ok, outcome.problems
    found = stored(campaign)
    assert len(found) == reading.figures
    assert {key: found.get(key) for key in reading.cells} == reading.cells
    for period, kind in reading.caveats.items():
        kinds = set(
            Figure.objects.filter(request__campaign=campaign, period=period).values_list(
                "caveat", flat=True
            )
        )
        assert kinds == {kind}, period


@pytest.mark.parametrize("reading", readings(refused=True))
def test_it_refuses_each_table_outside_the_question_saying_why(reading):
    campaign, outcome = imported(reading)

    assert not outcome.ok
    assert any(reading.refused in problem for problem in outcome.problems), outcome.problems
    assert not Figure.objects.filter(request__campaign=campaign).exists()


@pytest.mark.parametrize(
    "reading", [param for param in readings(refused=False) if param.values[0].ages]
)
def test_it_computes_the_age_statistics_each_reading_expects(reading, caseworker):
    campaign, outcome = imported(reading, caseworker)
    assert outcome.ok, outcome.problems

    payload = compute_statistics(campaign, include_unverified=True).payload
    for period, expected in reading.ages.items():
        row = next(row for row in payload["periods"] if row["period"] == period)
        assert {key: row["victim_age"].get(key) for key in expected} == expected, period


def test_it_says_in_the_preview_which_figures_a_year_to_date_title_flags(caseworker):
    reading = next(r for r in READINGS if r.name == "07_year_to_date_title.csv")
    campaign = make_campaign(periods=reading.periods)
    request = campaign.requests.get(force__name="Northumbria Police")

    outcome = import_wide(request, reading.data, "victim_age", reading.name, dry_run=True)

    assert outcome.ok, outcome.problems
    assert (
        "Partial year: 'Online child sexual offences 2016/17 and 2017/18 (2017/18 year to date: "
        "1 April 2017 to 31 December 2017)'. The 2017/18 figures will be flagged as a partial "
        "year, left out of per-day and change figures."
    ) in outcome.summary.notes
    assert not Figure.objects.exists()


def test_it_leaves_a_year_to_date_table_out_of_per_day_and_change_figures(caseworker):
    reading = next(r for r in READINGS if r.name == "07_year_to_date_title.csv")
    campaign, outcome = imported(reading, caseworker)
    assert outcome.ok, outcome.problems

    payload = compute_statistics(campaign, include_unverified=True).payload
    latest = next(row for row in payload["periods"] if row["period"] == "2017/18")
    assert (latest["total"], latest["per_day"], latest["change_pct"]) == (None, None, None)
    assert latest["partial_forces"] == [
        {
            "force": "Northumbria Police",
            "total": 78,
            "caveat_text": "Online child sexual offences 2016/17 and 2017/18 (2017/18 year to "
            "date: 1 April 2017 to 31 December 2017)",
        }
    ]
