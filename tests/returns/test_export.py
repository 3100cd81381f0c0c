"""The verified dataset: verified figures only, missing never written as zero, each format opens."""

import csv
import io
import json

import openpyxl
import pytest
from django.core.files.base import ContentFile
from openpyxl.utils.escape import unescape

from returns.exporting import COLUMNS, ExportError, build_dataset, render
from returns.models import Correspondence, Figure, ImportBatch
from returns.verification import verify_figures
from tests.factories import FigureFactory, FOIRequestFactory, force

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(caseworker, verifier):
    """Northumbria's reply imported from a file, Durham's typed in from its reply letter."""
    north = FOIRequestFactory(reference="NP/123/17", responded_on="2017-05-02")
    durham = FOIRequestFactory(campaign=north.campaign, force=force("Durham Constabulary"))
    batch = ImportBatch.objects.create(
        campaign=north.campaign, uploaded_by=caseworker, original_name="northumbria-2017.xlsx"
    )
    Correspondence.objects.create(
        request=durham,
        direction=Correspondence.Direction.IN,
        kind=Correspondence.Kind.RESPONSE,
        date="2017-05-09",
        attachment=ContentFile(b"pdf", name="durham-reply.pdf"),
    )
    figures = [
        FigureFactory(request=north, value=323, entered_by=caseworker, import_batch=batch),
        FigureFactory(
            request=north,
            breakdown="victim_age",
            category="13",
            value=0,
            entered_by=caseworker,
            import_batch=batch,
        ),
        FigureFactory(
            request=north,
            breakdown="victim_age",
            category="3",
            value=3,
            entered_by=caseworker,
            import_batch=batch,
        ),
        FigureFactory(
            request=durham,
            status=Figure.Status.SUPPRESSED,
            value=None,
            raw_value="<5",
            entered_by=caseworker,
        ),
        FigureFactory(
            request=durham,
            period="2015/16",
            status=Figure.Status.NOT_HELD,
            value=None,
            note='=HYPERLINK("http://evil.example")',
            entered_by=caseworker,
        ),
    ]
    verify_figures(verifier, figures)
    FigureFactory(request=durham, period="2014/15", value=777, entered_by=caseworker)
    return north.campaign


def csv_rows(content):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def test_it_exports_verified_figures_only(campaign):
    rows = csv_rows(render(campaign, "csv"))

    assert len(rows) == 5
    assert "777" not in {row["value"] for row in rows}
    assert Figure.objects.filter(request__campaign=campaign).count() == 6


def test_it_writes_one_tidy_row_per_figure_with_its_provenance(campaign, verifier):
    rows = csv_rows(render(campaign, "csv"))

    assert list(rows[0]) == list(COLUMNS)
    north_total = next(r for r in rows if r["force"] == "Northumbria Police" and not r["breakdown"])
    assert north_total == {
        **north_total,
        "ons_code": force("Northumbria Police").ons_code,
        "nation": "England",
        "period": "2016/17",
        "measure": "online_child_sexual_offences",
        "value": "323",
        "status": "reported",
        "request_reference": "NP/123/17",
        "response_date": "2017-05-02",
        "source_file": "northumbria-2017.xlsx",
        "verified_by": verifier.username,
    }
    assert north_total["verified_at"]


def test_it_names_the_reply_attachment_as_the_source_of_hand_entered_figures(campaign):
    rows = csv_rows(render(campaign, "csv"))

    durham = [r for r in rows if r["force"] == "Durham Constabulary"]
    assert {r["source_file"].split("_")[0].removesuffix(".pdf") for r in durham} == {"durham-reply"}


def test_it_keeps_suppressed_and_not_held_as_such_never_as_zero(campaign):
    rows = csv_rows(render(campaign, "csv"))

    durham = {r["period"]: r for r in rows if r["force"] == "Durham Constabulary"}
    assert (durham["2016/17"]["status"], durham["2016/17"]["value"]) == ("suppressed", "<5")
    assert (durham["2015/16"]["status"], durham["2015/16"]["value"]) == ("not_held", "")
    figures = json.loads(render(campaign, "json"))["figures"]
    assert [f["value"] for f in figures if f["status"] == "not_held"] == [None]


def test_it_keeps_a_reported_zero_as_zero(campaign):
    rows = csv_rows(render(campaign, "csv"))

    assert [r["value"] for r in rows if r["category"] == "13"] == ["0"]


def test_it_suppresses_small_counts_for_publication_when_asked(campaign):
    rows = csv_rows(render(campaign, "csv", suppress_below=5))

    values = {(r["force"], r["category"]): r["value"] for r in rows}
    assert values[("Northumbria Police", "3")] == "<5"
    assert values[("Northumbria Police", "13")] == "0"
    assert values[("Northumbria Police", "")] == "323"


def test_it_refuses_a_suppression_threshold_that_hides_nothing(campaign):
    with pytest.raises(ExportError, match="2 or more"):
        build_dataset(campaign, suppress_below=1)


def test_it_refuses_an_unknown_format(campaign):
    with pytest.raises(ExportError, match="Unknown format 'pdf'"):
        render(campaign, "pdf")


def test_it_writes_an_xlsx_that_opens_with_figures_and_an_about_sheet(campaign):
    workbook = openpyxl.load_workbook(io.BytesIO(render(campaign, "xlsx")))

    assert workbook.sheetnames == ["Figures", "About"]
    figures = list(workbook["Figures"].values)
    assert list(figures[0]) == list(COLUMNS)
    assert len(figures) == 6
    values = [row[list(COLUMNS).index("value")] for row in figures[1:]]
    assert 323 in values and "<5" in values and None in values
    about = {row[0]: row[1] for row in workbook["About"].values if row and row[0]}
    assert about["Campaign"] == campaign.title
    assert about["Request wording"] == campaign.request_wording
    assert about["Generated at"]
    assert about["status"].startswith("reported, suppressed")


def test_it_writes_json_with_the_same_metadata_and_numbers_as_numbers(campaign):
    document = json.loads(render(campaign, "json"))

    assert document["about"]["slug"] == campaign.slug
    assert document["about"]["request_wording"] == campaign.request_wording
    assert document["about"]["generated_at"]
    assert set(document["about"]["definitions"]) == set(COLUMNS)
    assert len(document["figures"]) == 5
    totals = [f["value"] for f in document["figures"] if f["force"] == "Northumbria Police"]
    assert sorted(totals) == [0, 3, 323]


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_it_neutralises_cells_a_spreadsheet_would_run_as_formulas(caseworker, verifier, text):
    figure = FigureFactory(entered_by=caseworker, note=text)
    verify_figures(verifier, [figure])
    campaign = figure.request.campaign

    csv_note = csv_rows(render(campaign, "csv"))[0]["note"]
    sheet = openpyxl.load_workbook(io.BytesIO(render(campaign, "xlsx")))["Figures"]
    xlsx_cell = sheet.cell(row=2, column=list(COLUMNS).index("note") + 1)
    json_note = json.loads(render(campaign, "json"))["figures"][0]["note"]

    assert csv_note == "'" + text
    # A control character is stored escaped (_x000D_ for CR), as Excel reads it; openpyxl
    # leaves the escape in a constant-memory (inline) string, so it is undone here.
    assert unescape(xlsx_cell.value) == "'" + text
    assert xlsx_cell.data_type == "s"
    assert json_note == text


def test_it_neutralises_formulas_in_the_about_sheet_too(caseworker, verifier):
    figure = FigureFactory(entered_by=caseworker)
    figure.request.campaign.request_wording = "=cmd|' /C calc'!A0"
    figure.request.campaign.save()
    verify_figures(verifier, [figure])

    sheet = openpyxl.load_workbook(io.BytesIO(render(figure.request.campaign, "xlsx")))["About"]
    wording = {row[0]: row[1] for row in sheet.values if row and row[0]}["Request wording"]

    assert wording == "'=cmd|' /C calc'!A0"
