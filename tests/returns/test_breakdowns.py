"""The breakdowns registry: names, category normalisation, and the offence-type statistics."""

import importlib
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from returns import breakdowns, snapshots
from returns.breakdowns import CategoryCells, offence_type
from returns.importing import cells
from returns.importing.service import WIDE_BREAKDOWNS, import_long
from returns.statistics import ForceAsked, StatisticsInputs, build_statistics, press_sentence
from tests.returns.files.helpers import cells as stored_cells
from tests.returns.files.helpers import csv_bytes, make_campaign

# --- The registry -------------------------------------------------------------------------------


def test_it_has_one_entry_per_breakdown_with_distinct_names():
    codes = [breakdown.code for breakdown in breakdowns.BREAKDOWNS]
    assert codes[:3] == ["victim_age", "offence_type", "victim_gender"]
    names = codes + [alias for b in breakdowns.BREAKDOWNS for alias in b.aliases]
    assert len(names) == len(set(names))
    summary_keys = [b.summary_key for b in breakdowns.SUMMARISED]
    assert summary_keys[:2] == ["victim_age", "offence_types"]
    assert len(summary_keys) == len(set(summary_keys))
    chart_names = [b.chart.name for b in breakdowns.SUMMARISED if b.chart]
    assert chart_names[:2] == ["ages", "offence-types"]
    assert len(set(chart_names) | {"years", "forces"}) == len(chart_names) + 2
    assert breakdowns.get("victim_gender").summary_key is None  # imported, no statistics
    assert breakdowns.get("no_such_breakdown") is None


def test_it_offers_every_breakdown_when_importing_a_forces_own_table():
    assert WIDE_BREAKDOWNS[:3] == [
        ("victim_age", "Victim age (Under 1, 0..17, Unknown)"),
        ("offence_type", "Offence type"),
        ("victim_gender", "Victim gender"),
    ]
    assert [code for code, _ in WIDE_BREAKDOWNS] == [
        *(breakdown.code for breakdown in breakdowns.BREAKDOWNS),
        "",
    ]


@pytest.mark.parametrize(
    ("written", "code"),
    [("Victim age", "victim_age"), ("Age of victim", "victim_age"), ("Crime type", "offence_type"),
     ("Offences", "offence_type"), ("Sex", "victim_gender"), ("Total", ""), ("", ""),
     ("No such breakdown", "no_such_breakdown")],
)  # fmt: skip
def test_it_reads_the_names_files_give_a_breakdown(written, code):
    assert cells.parse_breakdown(written) == code


# --- Normalising categories ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("Sexual Communication with a Child", "Sexual communication with a child"),
        ("sexual communication with a child", "Sexual communication with a child"),
        ("SEXUAL COMMUNICATION WITH A CHILD.", "Sexual communication with a child"),
        ("grooming", "Grooming"),
        ("Rape", "Rape"),
        ("rape of a female child under-13", "Rape of a female child under 13"),
        ("Sexual assault & exposure", "Sexual assault & exposure"),  # unknown: as written
        ("Online blackmail", "Online blackmail"),
        ("other", "other"),
    ],
)
def test_it_stores_a_known_offence_type_in_one_spelling_and_others_as_written(written, stored):
    assert cells.parse_category("offence_type", written) == ("offence_type", stored)


def test_it_never_merges_different_offences():
    different = ["Rape", "Rape of a female child under 13", "Rape of a male child under 13",
                 "Grooming", "Meeting a child following sexual grooming", "Sexual assault",
                 "Sexual assault on a female child under 13"]  # fmt: skip
    assert [offence_type(name.upper()) for name in different] == different


@pytest.mark.parametrize(
    ("written", "stored"),
    [("Under 1", "0"), ("Age 13", "13"), ("13 years old", "13"), ("Not known", "unknown"),
     ("16-17", "16-17")],
)  # fmt: skip
def test_it_stores_victim_ages_as_before(written, stored):
    assert cells.parse_category("victim_age", written) == ("victim_age", stored)


def test_it_keeps_the_categories_of_other_breakdowns_as_written():
    assert cells.parse_category("victim_gender", "Female") == ("victim_gender", "Female")
    assert cells.parse_category("unlisted", "Snapchat") == ("unlisted", "Snapchat")
    assert cells.parse_category("offence_type", "Total") == ("", "")


def test_it_orders_categories_for_display():
    ages = breakdowns.get("victim_age").ordered(["unknown", "13", "10 and under", "Under 1", "2"])
    assert ages == ["Under 1", "2", "13", "unknown", "10 and under"]
    types = breakdowns.get("offence_type").ordered(["Online blackmail", "Grooming", "Rape", "Abc"])
    assert types == ["Rape", "Grooming", "Abc", "Online blackmail"]


# --- The offence-type table, computed by hand ---------------------------------------------------

A, B, C = ForceAsked(1, "Avon", "E1"), ForceAsked(2, "Bede", ""), ForceAsked(3, "Cam", "")


def offence_cells(period, category, status, cells=1, total=None):
    return CategoryCells("offence_type", period, category, status, cells, total)


def statistics_of(rows, headline=None):
    return build_statistics(
        StatisticsInputs(
            slug="round",
            measure="online_child_sexual_offences",
            periods=["2015/16", "2016/17"],
            forces=[A, B, C],
            headline=headline or {},
            breakdown_cells=rows,
        )
    ).payload


def table(payload, period):
    return next(row for row in payload["periods"] if row["period"] == period)["offence_types"]


ROUND = [
    offence_cells("2015/16", "Rape", "reported", cells=2, total=30),
    offence_cells("2015/16", "Sexual assault", "reported", total=20),
    offence_cells("2015/16", "Grooming", "reported", total=0),
    # Avon 30 and Bede 15, and Cam's "rape" stored before the importer normalised spellings.
    offence_cells("2016/17", "Rape", "reported", cells=2, total=45),
    offence_cells("2016/17", "rape", "reported", total=5),
    offence_cells("2016/17", "Sexual Communication with a Child", "reported", total=40),
    offence_cells("2016/17", "sexual communication with a child", "suppressed"),
    offence_cells("2016/17", "Grooming", "reported", total=10),
    offence_cells("2016/17", "Sexual assault", "suppressed", cells=2),
    offence_cells("2016/17", "Online blackmail", "reported", total=5),
    offence_cells("2016/17", "Exposure", "not_held"),
]


def row(name, total, share, previous, change, forces, suppressed):
    return {
        "offence_type": name, "total": total, "share_pct": share, "previous_total": previous,
        "change_pct": change, "forces_reporting": forces, "suppressed_cells": suppressed,
    }  # fmt: skip


def test_it_tables_each_offence_type_with_share_change_forces_and_suppressed_cells():
    # 2016/17: 50 + 40 + 10 + 5 = 105 offences over the types.
    assert table(statistics_of(ROUND), "2016/17") == [
        row("Rape", 50, 47.6, 30, 66.7, 3, 0),  # 50/105; (50 - 30)/30
        row("Sexual communication with a child", 40, 38.1, None, None, 1, 1),
        row("Grooming", 10, 9.5, 0, None, 1, 0),  # no change from 0
        row("Online blackmail", 5, 4.8, None, None, 1, 0),  # unknown type, kept as written
        row("Sexual assault", None, None, 20, None, 0, 2),  # suppressed only: never summed
    ]  # Exposure, only "not held", is not an offence type anyone reported


def test_it_tables_the_first_period_without_a_previous_one():
    assert table(statistics_of(ROUND), "2015/16") == [
        row("Rape", 30, 60.0, None, None, 2, 0),
        row("Sexual assault", 20, 40.0, None, None, 1, 0),
        row("Grooming", 0, 0.0, None, None, 1, 0),
    ]


def test_it_rounds_shares_and_changes_half_up():
    rows = [
        offence_cells("2015/16", "Grooming", "reported", total=16),
        offence_cells("2016/17", "Grooming", "reported", total=17),
        offence_cells("2016/17", "Rape", "reported", total=1),
    ]
    types = table(statistics_of(rows), "2016/17")
    assert [(r["offence_type"], r["share_pct"], r["change_pct"]) for r in types] == [
        ("Grooming", 94.4, 6.3),  # 17/18 = 94.44%; (17 - 16)/16 = 6.25% -> 6.3
        ("Rape", 5.6, None),
    ]
    two = [
        offence_cells("2016/17", "x", "reported", total=1),
        offence_cells("2016/17", "y", "reported", total=15),
    ]
    halves = table(statistics_of(two), "2016/17")
    assert [r["share_pct"] for r in halves] == [93.8, 6.3]  # 93.75% and 6.25%


def test_it_orders_equal_totals_by_name_and_leaves_the_period_suppressed_cells_alone():
    rows = [
        offence_cells("2016/17", "Rape", "reported", total=5),
        offence_cells("2016/17", "Grooming", "reported", total=5),
        offence_cells("2016/17", "Voyeurism", "suppressed", cells=3),
    ]
    payload = statistics_of(rows, headline={(1, "2016/17"): ("reported", 10)})
    assert [r["offence_type"] for r in table(payload, "2016/17")] == [
        "Grooming",
        "Rape",
        "Voyeurism",
    ]
    period = payload["periods"][1]
    assert period["suppressed_cells"] == 0  # headline and victim-age cells only, as always
    keys = list(period)  # the design's keys in their order, then those added
    assert keys.index("victim_age") + 1 == keys.index("suppressed_cells")
    assert keys.index("suppressed_cells") + 1 == keys.index("offence_types")


def test_it_draws_the_reported_totals_largest_on_top_and_ages_without_gaps():
    offences = breakdowns.get("offence_type")
    bars = offences.chart.bars(offences, table(statistics_of(ROUND), "2016/17"), {})
    assert bars == [("Online blackmail", 5), ("Grooming", 10),
                    ("Sexual communication with a child", 40), ("Rape", 50)]  # fmt: skip
    ages = breakdowns.get("victim_age")
    assert ages.chart.bars(ages, None, {"3": 2, "5": 4}) == [("3", 2), ("4", 0), ("5", 4)]


def test_it_gives_an_empty_table_when_no_force_split_by_offence_type():
    assert table(statistics_of([]), "2016/17") == []


def test_it_names_the_most_common_offence_types_in_the_press_sentence():
    payload = statistics_of(ROUND, headline={(1, "2016/17"): ("reported", 120)})
    assert press_sentence(payload, "2016/17").endswith(
        " The most common offence types were Rape (50 offences), Sexual communication with a "
        "child (40 offences), Grooming (10 offences) and Online blackmail (5 offences)."
    )
    only_rape = statistics_of(
        [offence_cells("2016/17", "Rape", "reported", total=1)],
        headline={(1, "2016/17"): ("reported", 1)},
    )
    assert press_sentence(only_rape, "2016/17").endswith(
        " The most common offence type was Rape (1 offence)."
    )
    assert "offence type" not in press_sentence(
        statistics_of([], headline={(1, "2016/17"): ("reported", 1)}), "2016/17"
    )


# --- From an imported file to national_stats --json, the page and its chart ---------------------

ROUND_FILE = csv_bytes(
    "Northumbria,2015/16,,,,98,",
    "Northumbria,2015/16,,offence_type,Rape,20,",
    "Northumbria,2015/16,,offence_type,Sexual communication with a child,0,",
    "Northumbria,2016/17,,,,323,",
    "Northumbria,2016/17,,offence_type,Rape,30,",
    "Northumbria,2016/17,,offence_type,Sexual Communication with a Child,100,",
    "Northumbria,2016/17,,offence_type,Grooming,<5,",
    "Durham,2016/17,,,,190,",
    "Durham,2016/17,,offence_type,RAPE,25,",
    "Durham,2016/17,,offence_type,sexual communication  with a child,60,",
    "Durham,2016/17,,offence_type,Sexual assault,15,",
    "Durham,2016/17,,offence_type,Online blackmail,9,",
    "West Mercia,2016/17,,,,213,",
    "West Mercia,2016/17,,offence_type,Grooming,11,",
    "West Mercia,2016/17,,offence_type,Sexual assault,*,",
    "West Mercia,2016/17,,offence_type,Exposure,,not held",
)


@pytest.fixture
def imported_round(caseworker, verifier):
    campaign = make_campaign()
    outcome = import_long(campaign, ROUND_FILE, "round.csv", caseworker)
    assert outcome.ok, outcome.problems
    call_command("verify_returns", campaign.slug, "--user", verifier.username, stdout=StringIO())
    return campaign


@pytest.mark.django_db
def test_it_stores_one_spelling_of_each_known_offence_type(imported_round):
    offence_types = {
        category for (_, _, breakdown, category) in stored_cells(imported_round)
        if breakdown == "offence_type"
    }  # fmt: skip
    assert offence_types == {"Rape", "Sexual communication with a child", "Grooming",
                             "Sexual assault", "Online blackmail", "Exposure"}  # fmt: skip


@pytest.mark.django_db
def test_it_prints_the_offence_type_table_in_national_stats_json(imported_round):
    out = StringIO()
    call_command("national_stats", imported_round.slug, "--json", stdout=out)
    earlier, later = json.loads(out.getvalue())["periods"]
    assert earlier["offence_types"] == [
        row("Rape", 20, 100.0, None, None, 1, 0),
        row("Sexual communication with a child", 0, 0.0, None, None, 1, 0),
    ]
    # 2016/17: 160 + 55 + 15 + 11 + 9 = 250 offences over the types.
    assert later["offence_types"] == [
        row("Sexual communication with a child", 160, 64.0, 0, None, 2, 0),
        row("Rape", 55, 22.0, 20, 175.0, 2, 0),
        row("Sexual assault", 15, 6.0, None, None, 1, 1),
        row("Grooming", 11, 4.4, None, None, 1, 1),
        row("Online blackmail", 9, 3.6, None, None, 1, 0),
    ]
    assert (later["total"], later["suppressed_cells"]) == (726, 0)


@pytest.mark.django_db
def test_it_refuses_two_spellings_of_one_offence_type_from_one_force(caseworker):
    campaign = make_campaign()
    outcome = import_long(
        campaign,
        csv_bytes("Durham,2016/17,,offence_type,Rape,25,", "Durham,2016/17,,offence_type,rape,3,"),
        "twice.csv",
        caseworker,
    )
    assert not outcome.ok
    assert outcome.problems == [
        "Row 3: conflicts with row 2: Durham Constabulary, 2016/17, offence_type Rape is 3 here "
        "but 25 there."
    ]


@pytest.mark.django_db
def test_it_shows_the_offence_type_table_and_its_chart_on_the_page(
    client, caseworker, imported_round
):
    snapshots.recompute(imported_round.pk)
    client.force_login(caseworker)
    page = client.get(reverse("returns:statistics_page", args=[imported_round.slug]))
    html = page.content.decode()
    assert 'id="breakdown-offence_type"' in html
    assert '<th scope="row">Sexual communication with a child</th>' in html
    assert "64.0%" in html and "175.0%" in html
    assert "The most common offence types were Sexual communication with a child" in html
    assert 'id="chart-offence-types"' in html
    for fmt, content_type, start in (("png", "image/png", b"\x89PNG"),
                                     ("svg", "image/svg+xml", b"<?xml")):  # fmt: skip
        url = reverse("returns:statistics_chart", args=[imported_round.slug, "offence-types", fmt])
        response = client.get(url + "?period=2016/17")
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response.content.startswith(start)


@pytest.mark.django_db
def test_it_shows_a_snapshot_stored_before_offence_types_had_statistics(
    client, caseworker, imported_round
):
    snapshots.recompute(imported_round.pk)
    snapshot = imported_round.snapshot
    for period in snapshot.payload["periods"]:
        del period["offence_types"]
    snapshot.save()
    client.force_login(caseworker)
    page = client.get(reverse("returns:statistics_page", args=[imported_round.slug]))
    assert page.status_code == 200
    assert 'id="breakdown-offence_type"' not in page.content.decode()


@pytest.mark.django_db
def test_it_marks_statistics_stored_before_the_offence_type_table_out_of_date(imported_round):
    from django.apps import apps

    from returns.models import StatsSnapshot

    snapshots.recompute(imported_round.pk)
    assert not StatsSnapshot.objects.get(campaign=imported_round).is_stale
    migration = importlib.import_module(
        "returns.migrations.0006_recompute_statistics_for_breakdowns"
    )
    migration.mark_statistics_stale(apps, None)
    assert StatsSnapshot.objects.get(campaign=imported_round).is_stale
    assert snapshots.stale_campaign_ids() == [imported_round.pk]
