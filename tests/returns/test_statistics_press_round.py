"""The press figures of docs/domain.md come out exactly, from verified figures only."""

import pytest

from returns.statistics import compute_statistics
from tests.returns.statistics_fixtures import (
    AGES_2016,
    NO_FIGURES_AT_ALL,
    UNKNOWN_AGE_2016,
    add_unverified,
    press_round,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def payload(caseworker, verifier):
    return compute_statistics(press_round(caseworker, verifier)).payload


def period(payload, name):
    return next(row for row in payload["periods"] if row["period"] == name)


def force_row(payload, force, name):
    return next(r for r in payload["forces"] if r["force"] == force and r["period"] == name)


def test_it_reproduces_the_headline_figures(payload):
    earlier, later = period(payload, "2015/16"), period(payload, "2016/17")
    assert [row["period"] for row in payload["periods"]] == ["2015/16", "2016/17"]
    assert (earlier["total"], earlier["forces_reporting"], earlier["forces_asked"]) == (
        3903,
        39,
        43,
    )
    assert (later["total"], later["forces_reporting"]) == (5653, 39)
    assert (earlier["days"], later["days"]) == (366, 365)
    assert later["per_day"] == 15.5
    assert earlier["per_day"] == 10.7
    assert later["previous_period"] == "2015/16"
    assert (later["previous_total"], later["previous_forces_reporting"]) == (3903, 39)
    assert later["change_pct"] == 44.8


def test_it_leaves_the_first_period_without_a_previous_one(payload):
    earlier = period(payload, "2015/16")
    assert earlier["previous_period"] is None
    assert earlier["previous_total"] is None
    assert earlier["previous_forces_reporting"] is None
    assert earlier["change_pct"] is None
    assert earlier["like_for_like"] == {
        "forces": None,
        "previous_total": None,
        "total": None,
        "change_pct": None,
    }


def test_it_compares_like_for_like_over_forces_reporting_both_years(payload):
    # Durham (190) has no 2015/16 total and Cleveland (50) no 2016/17 one: both drop out.
    assert period(payload, "2016/17")["like_for_like"] == {
        "forces": 38,
        "previous_total": 3903 - 50,
        "total": 5653 - 190,
        "change_pct": 41.8,  # 1,610 / 3,853 = 41.785...%
    }


def test_it_reproduces_the_victim_age_figures(payload):
    assert period(payload, "2016/17")["victim_age"] == {
        "most_common_age": 13,
        "most_common_age_count": 257,
        "youngest_age": 3,
        "aged_10_and_under": 97,
        "recorded": sum(AGES_2016.values()),
        "unknown": UNKNOWN_AGE_2016,
    }
    assert period(payload, "2015/16")["victim_age"] == dict.fromkeys(
        ["most_common_age", "most_common_age_count", "youngest_age", "aged_10_and_under",
         "recorded", "unknown"]
    )  # fmt: skip


def test_it_counts_suppressed_cells_without_summing_them(payload):
    assert period(payload, "2015/16")["suppressed_cells"] == 1  # Cheshire's "*" total
    assert period(payload, "2016/17")["suppressed_cells"] == 1  # Durham's "<5" aged 2


def test_it_gives_each_force_its_change_and_rate(payload):
    assert force_row(payload, "Northumbria Police", "2016/17") == {
        "force": "Northumbria Police",
        "ons_code": "E23000007",
        "period": "2016/17",
        "total": 323,
        "previous_total": 98,
        "change_pct": 229.6,
        "rate_per_10k_children": 10.8,  # 323 / 300,000 under-18s (mid-2016) x 10,000
    }
    west_mercia = force_row(payload, "West Mercia Police", "2016/17")
    assert (west_mercia["previous_total"], west_mercia["total"]) == (114, 213)
    assert west_mercia["rate_per_10k_children"] is None  # population unknown
    durham = force_row(payload, "Durham Constabulary", "2016/17")
    assert (durham["total"], durham["previous_total"], durham["change_pct"]) == (190, None, None)


def test_it_lists_every_force_asked_for_every_period(payload):
    assert len(payload["forces"]) == 43 * 2
    names = [row["force"] for row in payload["forces"][::2]]
    assert names == sorted(names)
    silent = force_row(payload, NO_FIGURES_AT_ALL, "2016/17")
    assert (silent["total"], silent["previous_total"], silent["change_pct"]) == (None, None, None)


def test_it_counts_unverified_figures_only_in_a_preview(caseworker, verifier):
    campaign = press_round(caseworker, verifier)
    add_unverified(campaign, caseworker)

    verified = period(compute_statistics(campaign).payload, "2016/17")
    preview = period(compute_statistics(campaign, include_unverified=True).payload, "2016/17")

    assert (verified["total"], verified["forces_reporting"]) == (5653, 39)
    assert (preview["total"], preview["forces_reporting"]) == (6653, 40)
    assert verified["victim_age"]["youngest_age"] == 3
    assert preview["victim_age"]["youngest_age"] == 2
