"""A whole round on the command line: import as one person, verify as another, export."""

import csv
import io
import json

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from returns.models import Figure
from returns.roles import VERIFIERS
from tests.returns.files.helpers import HERE, make_campaign

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def imported(caseworker):
    campaign = make_campaign()
    run("import_returns", campaign.slug, str(HERE / "clean_long.csv"), "--user", "casey")
    return campaign


def test_it_lets_the_importer_verify_none_of_the_round(imported, caseworker, tmp_path):
    caseworker.groups.add(Group.objects.get(name=VERIFIERS))  # a verifier who also imported
    output = run("verify_returns", imported.slug, "--user", caseworker.username)

    assert "0 verified; 9 left for another person" in output
    assert not Figure.objects.filter(verified_at__isnull=False).exists()
    run("export_dataset", imported.slug, "--format", "json", "-o", str(tmp_path / "d.json"))
    assert json.loads((tmp_path / "d.json").read_text())["figures"] == []


def test_it_lets_another_person_verify_the_round_and_export_it(imported, verifier, tmp_path):
    output = run("verify_returns", imported.slug, "--user", verifier.username)

    assert "9 verified" in output
    for format in ("csv", "xlsx", "json"):
        run(
            "export_dataset", imported.slug, "--format", format, "-o", str(tmp_path / f"d.{format}")
        )
    with (tmp_path / "d.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    sheet = openpyxl.load_workbook(tmp_path / "d.xlsx")["Figures"]
    figures = json.loads((tmp_path / "d.json").read_text())["figures"]
    assert len(rows) == len(figures) == sheet.max_row - 1 == 9
    durham_2015 = next(
        r for r in rows if r["force"] == "Durham Constabulary" and r["period"] == "2015/16"
    )
    assert (durham_2015["status"], durham_2015["value"]) == ("not_held", "")
    assert {r["source_file"] for r in rows} == {"clean_long.csv"}
    assert {r["verified_by"] for r in rows} == {verifier.username}


def test_it_verifies_a_round_imported_without_a_user_and_says_so(verifier, tmp_path):
    campaign = make_campaign()
    run("import_returns", campaign.slug, str(HERE / "clean_long.csv"))

    output = run("verify_returns", campaign.slug, "--user", verifier.username)

    assert "9 verified (9 with no named enterer: imported without --user)" in output
