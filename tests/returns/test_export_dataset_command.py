"""export_dataset SLUG --format csv|xlsx|json -o FILE: the command-line contract."""

import csv
import dataclasses
import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from returns import exporting
from returns.verification import verify_figures
from tests.factories import FigureFactory, FOIRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(caseworker, verifier):
    request = FOIRequestFactory()
    figures = [
        FigureFactory(
            request=request,
            breakdown="victim_age",
            category=age,
            value=value,
            entered_by=caseworker,
        )
        for age, value in (("10", 2), ("13", 257))
    ]
    verify_figures(verifier, figures)
    return request.campaign


@pytest.mark.parametrize("format", ["csv", "xlsx", "json"])
def test_it_writes_the_file_in_each_format(campaign, tmp_path, format):
    output = tmp_path / f"dataset.{format}"

    call_command("export_dataset", campaign.slug, "--format", format, "-o", str(output))

    if format == "csv":
        with output.open(newline="", encoding="utf-8") as handle:
            values = [row["value"] for row in csv.DictReader(handle)]
        assert values == ["2", "257"]
    elif format == "xlsx":
        sheet = openpyxl.load_workbook(output)["Figures"]
        assert [row[7] for row in sheet.iter_rows(min_row=2, values_only=True)] == [2, 257]
    else:
        assert [f["value"] for f in json.loads(output.read_text())["figures"]] == [2, 257]


def test_it_suppresses_small_counts_when_asked(campaign, tmp_path):
    output = tmp_path / "dataset.json"

    call_command(
        "export_dataset",
        campaign.slug,
        "--format",
        "json",
        "-o",
        str(output),
        "--suppress-below",
        "5",
    )

    document = json.loads(output.read_text())
    assert [f["value"] for f in document["figures"]] == ["<5", 257]
    assert "<5" in document["about"]["suppression"]


def test_it_fails_clearly_on_an_unknown_campaign(tmp_path):
    with pytest.raises(CommandError, match="No campaign with slug 'nope'"):
        call_command("export_dataset", "nope", "--format", "csv", "-o", str(tmp_path / "x.csv"))


def test_it_fails_clearly_on_an_unknown_format(campaign, tmp_path):
    output = tmp_path / "x.pdf"

    with pytest.raises(CommandError, match="Unknown format 'pdf'"):
        call_command("export_dataset", campaign.slug, "--format", "pdf", "-o", str(output))
    assert not output.exists()


def test_it_fails_clearly_on_a_path_it_cannot_write(campaign, tmp_path):
    output = tmp_path / "missing-folder" / "x.csv"

    with pytest.raises(CommandError, match="Cannot write"):
        call_command("export_dataset", campaign.slug, "--format", "csv", "-o", str(output))


def test_it_leaves_no_half_written_file_when_writing_fails(campaign, tmp_path, monkeypatch):
    output = tmp_path / "dataset.csv"
    output.write_text("yesterday's file")

    def fails_midway(dataset, stream):
        stream.write(b"force,ons_code\r\n")
        raise OSError(28, "No space left on device")

    failing = dataclasses.replace(exporting.FORMATS["csv"], write=fails_midway)
    monkeypatch.setitem(exporting.FORMATS, "csv", failing)

    with pytest.raises(CommandError, match="No space left on device"):
        call_command("export_dataset", campaign.slug, "--format", "csv", "-o", str(output))
    assert output.read_text() == "yesterday's file"
    assert list(tmp_path.glob(".*.partial")) == []
