"""`national_stats SLUG [--include-unverified] --json`: the JSON of docs/statistics.md, afresh."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from returns import breakdowns
from returns.statistics import compute_statistics
from tests.returns.statistics_fixtures import add_unverified, press_round

pytestmark = pytest.mark.django_db

PERIOD_KEYS = {
    "period", "days", "forces_asked", "forces_reporting", "total", "per_day", "previous_period",
    "previous_total", "previous_forces_reporting", "change_pct", "like_for_like", "victim_age",
    "suppressed_cells",
}  # fmt: skip
# Keys the JSON gained later (docs/statistics.md: keys may be added, existing ones never
# change): the summaries of the breakdowns with statistics (returns/breakdowns.py).
ADDED_PERIOD_KEYS = {b.summary_key for b in breakdowns.SUMMARISED} - PERIOD_KEYS
AGE_KEYS = {
    "most_common_age", "most_common_age_count", "youngest_age", "aged_10_and_under", "recorded",
    "unknown",
}  # fmt: skip
FORCE_KEYS = {
    "force", "ons_code", "period", "total", "previous_total", "change_pct", "rate_per_10k_children"
}  # fmt: skip


def national_stats(*args):
    out = StringIO()
    call_command("national_stats", *args, stdout=out)
    return out.getvalue()


def test_it_prints_exactly_the_design_json(caseworker, verifier):
    campaign = press_round(caseworker, verifier)
    printed = json.loads(national_stats(campaign.slug, "--json"))

    assert set(printed) == {"campaign", "measure", "periods", "forces"}
    assert (printed["campaign"], printed["measure"]) == (campaign.slug, campaign.measure)
    for row in printed["periods"]:
        assert set(row) == PERIOD_KEYS | ADDED_PERIOD_KEYS
        assert set(row["like_for_like"]) == {"forces", "previous_total", "total", "change_pct"}
        assert set(row["victim_age"]) == AGE_KEYS
    assert all(set(row) == FORCE_KEYS for row in printed["forces"])
    later = printed["periods"][1]
    assert later["total"] == 5653 and later["per_day"] == 15.5 and later["change_pct"] == 44.8
    assert printed == compute_statistics(campaign).payload


def test_it_counts_unverified_figures_only_when_asked(caseworker, verifier):
    campaign = press_round(caseworker, verifier)
    add_unverified(campaign, caseworker)
    verified = json.loads(national_stats(campaign.slug, "--json"))
    preview = json.loads(national_stats(campaign.slug, "--include-unverified", "--json"))
    assert verified["periods"][1]["total"] == 5653
    assert preview["periods"][1]["total"] == 6653


def test_it_prints_press_sentences_without_json(caseworker, verifier):
    campaign = press_round(caseworker, verifier)
    assert "5,653 online child sexual offences in 2016/17" in national_stats(campaign.slug)


def test_it_refuses_an_unknown_campaign():
    with pytest.raises(CommandError, match="No campaign with the slug 'nope'"):
        national_stats("nope", "--json")
