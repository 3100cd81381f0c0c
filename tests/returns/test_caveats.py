"""Partial years and caveats (issue 12, point 7): found in the words around a table, flagged on
the figures, shown by the statistics and the exports, and left out of per-day and change
figures."""

import csv
import io

import pytest
import tablib
from django.urls import reverse

from returns import snapshots
from returns.exporting import COLUMNS, render
from returns.importing.caveats import Caveat, find
from returns.importing.rows import CAVEAT_WORDS, CampaignContext, parse_long
from returns.importing.service import import_long
from returns.models import Figure
from returns.statistics import ForceAsked, StatisticsInputs, build_statistics, compute_statistics
from returns.verification import verify_figures
from tests.returns.files.helpers import cells, csv_bytes, make_campaign

# --- Finding caveats (pure) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    ["Online offences 2017/18 year to date", "2018/19 figures to date", "2017/18 (part year)",
     "Figures are YTD", "Partial year", "Apr-Dec 2017", "April 2017 to December 2017",
     "1st April 2017 – 31st December 2017", "01/04/2017 - 30/11/2017", "Apr 17 - Sep 17",
     "Q1-Q3 2017/18", "Crimes recorded between April 2017 and October 2017"],
)  # fmt: skip
def test_it_finds_a_partial_year(line):
    assert [caveat.kind for caveat in find([line])] == ["partial_year"]


@pytest.mark.parametrize(
    "line",
    ["April 2016 to March 2017", "1 April 2016 - 31 March 2017", "01/04/2016 - 31/03/2017",
     "Jan-Dec 2016", "Q1-Q4", "Figures are up to date", "Total number of offences",
     "Online child sexual offences by age of victim, 2015/16 and 2016/17", "Mar-17"],
)  # fmt: skip
def test_it_finds_no_partial_year_in_a_whole_year_or_plain_words(line):
    assert find([line]) == []


def test_it_finds_provisional_figures_and_the_extraction_date():
    assert find(["Provisional figures, subject to change", "Data extracted on 14/05/2018",
                 "Correct as at 5 May 2018", "Figures not yet validated"]) == [
        Caveat("provisional", "Provisional figures, subject to change"),
        Caveat("extracted_on", "Data extracted on 14/05/2018"),
        Caveat("extracted_on", "Correct as at 5 May 2018"),
        Caveat("provisional", "Figures not yet validated"),
    ]  # fmt: skip


def test_it_finds_several_caveats_in_one_line_once_each():
    line = "Provisional year to date figures, data extracted 3/11/2017"
    assert [caveat.kind for caveat in find([line, line])] == [
        "partial_year",
        "provisional",
        "extracted_on",
    ]


def test_it_ties_a_caveat_to_the_one_year_it_names():
    [caveat] = find(["Online offences 2016/17 and 2017/18 (2017/18 year to date)"])
    assert (caveat.period, caveat.covers("2017/18"), caveat.covers("2016/17")) == (
        "2017/18",
        True,
        False,
    )
    assert find(["Apr-Dec 2017"])[0].period == "2017/18"
    assert find(["01/04/2018 - 30/09/2018"])[0].period == "2018/19"
    assert find(["Figures for 2016/17 and 2017/18 are provisional"])[0].period == ""
    assert find(["Year to date"])[0].covers("2016/17")


# --- Flagged on figures -------------------------------------------------------------------------


needs_db = pytest.mark.django_db


@needs_db
def test_it_flags_a_long_files_figure_whose_note_gives_a_caveat():
    campaign = make_campaign()
    data = csv_bytes(
        "Northumbria Police,2016/17,,,,120,Year to date (April to December 2016)",
        "Northumbria Police,2015/16,,,,98,Provisional",
        "Durham Constabulary,2016/17,,,,N/A,",
    )

    outcome = import_long(campaign, data, "returns.csv")

    assert outcome.ok, outcome.problems
    flagged = {
        f.period: (f.caveat, f.caveat_text)
        for f in Figure.objects.filter(request__force__name="Northumbria Police")
    }
    assert flagged == {
        "2016/17": ("partial_year", "Year to date (April to December 2016)"),
        "2015/16": ("provisional", "Provisional"),
    }
    assert cells(campaign)["Durham Constabulary", "2016/17", "", ""] == (
        "not_applicable",
        None,
        "N/A",
        "",
    )


def inputs(headline, caveats, periods=("2015/16", "2016/17")):
    return StatisticsInputs(
        slug="round",
        measure="online_child_sexual_offences",
        periods=list(periods),
        forces=[ForceAsked(1, "Avon", "E1"), ForceAsked(2, "Bede", "E2"), ForceAsked(3, "Cam", "")],
        headline=headline,
        breakdown_cells=[],
        caveats=caveats,
    )


HEADLINE = {
    (1, "2015/16"): ("reported", 100),
    (1, "2016/17"): ("reported", 150),
    (2, "2015/16"): ("reported", 200),
    (2, "2016/17"): ("reported", 90),  # April to December only
    (3, "2016/17"): ("reported", 60),
}


def period_row(payload, period):
    return next(row for row in payload["periods"] if row["period"] == period)


def force_row(payload, force, period):
    return next(r for r in payload["forces"] if (r["force"], r["period"]) == (force, period))


def test_it_leaves_a_partial_year_out_of_per_day_and_change_figures_and_shows_it_beside():
    caveats = {(2, "2016/17"): ("partial_year", "Apr-Dec 2016")}
    payload = build_statistics(inputs(HEADLINE, caveats)).payload
    row = period_row(payload, "2016/17")

    assert (row["forces_reporting"], row["total"], row["per_day"]) == (2, 210, 0.6)
    assert row["change_pct"] == -30.0  # 210 against 300: each year over its whole years
    assert row["like_for_like"] == {
        "forces": 1,  # Bede's part year is no year to compare
        "previous_total": 100,
        "total": 150,
        "change_pct": 50.0,
    }
    assert row["partial_forces"] == [{"force": "Bede", "total": 90, "caveat_text": "Apr-Dec 2016"}]
    assert row["partial_total"] == 90
    assert force_row(payload, "Bede", "2016/17") == {
        "force": "Bede",
        "ons_code": "E2",
        "period": "2016/17",
        "total": None,
        "previous_total": 200,
        "change_pct": None,
        "rate_per_10k_children": None,
        "caveat": "partial_year",
        "caveat_text": "Apr-Dec 2016",
        "partial_total": 90,
    }


def test_it_shows_provisional_figures_without_leaving_them_out():
    caveats = {(1, "2016/17"): ("provisional", "Provisional figures")}
    row = period_row(build_statistics(inputs(HEADLINE, caveats)).payload, "2016/17")
    assert (row["forces_reporting"], row["total"]) == (3, 300)
    assert row["provisional_forces"] == [{"force": "Avon", "caveat_text": "Provisional figures"}]
    assert "partial_forces" not in row


def test_it_adds_no_key_when_no_figure_has_a_caveat():
    payload = build_statistics(inputs(HEADLINE, {})).payload
    assert set(period_row(payload, "2016/17")) >= {"total", "per_day", "change_pct"}
    assert not {"partial_forces", "partial_total", "provisional_forces"} & set(
        period_row(payload, "2016/17")
    )
    assert "caveat" not in force_row(payload, "Bede", "2016/17")


# --- Shown by the page and the exports ----------------------------------------------------------


@needs_db
def test_it_shows_the_caveat_in_every_export_format(caseworker, verifier):
    campaign = make_campaign()
    import_long(
        campaign,
        csv_bytes("Northumbria Police,2016/17,,,,120,Provisional: year to date"),
        "returns.csv",
        caseworker,
    )
    verify_figures(verifier, Figure.objects.all())

    rows = list(csv.DictReader(io.StringIO(render(campaign, "csv").decode())))
    assert list(rows[0]) == list(COLUMNS)
    assert (rows[0]["caveat"], rows[0]["caveat_text"]) == (
        "partial_year",
        "Provisional: year to date",
    )
    statistics = compute_statistics(campaign)
    assert period_row(statistics.payload, "2016/17")["partial_forces"] == [
        {"force": "Northumbria Police", "total": 120, "caveat_text": "Provisional: year to date"}
    ]


@needs_db
def test_it_shows_partial_years_and_age_bands_on_the_statistics_page(client, caseworker, verifier):
    campaign = make_campaign()
    import_long(
        campaign,
        csv_bytes(
            "Northumbria Police,2016/17,,,,120,Year to date: April to December 2016",
            "Durham Constabulary,2016/17,,,,200,",
            "Durham Constabulary,2016/17,,victim_age,0-5,7,",
            "Durham Constabulary,2016/17,,victim_age,7-12,14,",
        ),
        "returns.csv",
        caseworker,
    )
    verify_figures(verifier, Figure.objects.all())
    snapshots.recompute(campaign.pk)

    client.force_login(caseworker)
    page = client.get(
        reverse("returns:statistics_page", args=[campaign.slug]) + "?period=2016/17"
    ).content.decode()

    assert "Partial years, not counted above" in page
    assert "Northumbria Police: 120" in page
    assert "(120, part year)" in page  # in the force table
    assert "in age bands:" in page and "0-5: 7; 7-12: 14" in page
    assert "7-12 (14)" in page and "is a band across age 10; at least 7" in page


@needs_db
def test_it_flags_one_cell_from_the_words_a_reader_gives_it_and_the_tables_caveats_by_year():
    """The reader's two ways in: caveats of the whole table (FigureResource(caveats=...)) and
    words about one cell (the long dataset's `_caveats` column, e.g. its period's header)."""
    campaign = make_campaign(periods=("2016/17", "2017/18"))
    context = CampaignContext.for_campaign(
        campaign, caveats=find(["2017/18 year to date", "Data extracted on 3/11/2017"])
    )
    dataset = tablib.Dataset(headers=["force", "period", "value", CAVEAT_WORDS])
    dataset.append(["Northumbria Police", "2016/17", "5", ""])
    dataset.append(["Northumbria Police", "2017/18", "6", ""])
    dataset.append(["Durham Constabulary", "2016/17", "7", "2016/17 (provisional)"])

    figures = {(f.request.force.name, f.period): f for f in parse_long(dataset, context)}

    assert figures["Northumbria Police", "2016/17"].caveat == "extracted_on"
    assert (
        figures["Northumbria Police", "2017/18"].caveat,
        figures["Northumbria Police", "2017/18"].caveat_text,
    ) == ("partial_year", "2017/18 year to date | Data extracted on 3/11/2017")
    assert (
        figures["Durham Constabulary", "2016/17"].caveat,
        figures["Durham Constabulary", "2016/17"].caveat_text,
    ) == ("provisional", "Data extracted on 3/11/2017 | 2016/17 (provisional)")
