"""The admin's changelist exports (figures, forces): who may export, what the file says it holds,
and that no cell a spreadsheet would run as a formula leaves unneutralised."""

import csv
import io

import openpyxl
import pytest
from django.contrib import admin
from django.urls import reverse
from import_export.admin import ExportMixin

from forces.admin import ForceResource, Under18PopulationResource
from forces.models import Under18Population
from returns.models import Figure
from returns.spreadsheet_safety import SafeExportMixin
from returns.verification import verify_figures
from tests.factories import FigureFactory, FOIRequestFactory, ForceFactory, force

pytestmark = pytest.mark.django_db

FIGURES_LIST = reverse("admin:returns_figure_changelist")
FIGURES_EXPORT = reverse("admin:returns_figure_export")
FORCES_LIST = reverse("admin:forces_force_changelist")
FORCES_EXPORT = reverse("admin:forces_force_export")
POPULATIONS_EXPORT = reverse("admin:forces_under18population_export")
CSV, XLSX = "0", "1"  # the admins' export formats, in order

HOSTILE = ['==HYPERLINK("http://evil.example","x")', "-2+3", "+1", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.fixture
def figures(caseworker, verifier):
    """One verified figure and one still waiting for its check, in one request."""
    foi_request = FOIRequestFactory()
    checked = FigureFactory(request=foi_request, value=323, entered_by=caseworker)
    verify_figures(verifier, [checked])
    FigureFactory(request=foi_request, period="2015/16", value=98, entered_by=caseworker)
    return foi_request


def export_figures(client, format=CSV, **data):
    return client.post(FIGURES_EXPORT, {"format": format, "resource": "0", **data})


def export_forces(client, format=CSV, resource=ForceResource, url=FORCES_EXPORT):
    # The library's selectable-fields export form: one ticked box per column.
    prefix = resource.__name__.lower()
    selected = {f"{prefix}_{name}": "on" for name in resource().get_export_order()}
    return client.post(url, {"format": format, "resource": "0", **selected})


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = sheet.iter_rows()
    return [{title.value: cell for title, cell in zip(header, row, strict=True)} for row in rows]


# --- Who may export.


def test_it_guards_every_export_in_the_admin():
    exporting = {
        type(model_admin).__name__: isinstance(model_admin, SafeExportMixin)
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, ExportMixin)
    }

    assert {"FigureAdmin", "ForceAdmin", "Under18PopulationAdmin"} <= set(exporting)
    assert [name for name, guarded in exporting.items() if not guarded] == []


@pytest.mark.parametrize("changelist", [FIGURES_LIST, FORCES_LIST])
def test_it_shows_caseworkers_no_export_button(client, caseworker, changelist):
    client.force_login(caseworker)

    response = client.get(changelist)

    assert response.status_code == 200
    assert response.context["has_export_permission"] is False
    assert "/export/" not in response.content.decode()


@pytest.mark.parametrize("export_url", [FIGURES_EXPORT, FORCES_EXPORT, POPULATIONS_EXPORT])
def test_it_refuses_a_forged_export_from_a_caseworker(client, caseworker, figures, export_url):
    client.force_login(caseworker)

    assert client.get(export_url).status_code == 403
    assert client.post(export_url, {"format": CSV, "resource": "0"}).status_code == 403


@pytest.mark.parametrize("persona", ["verifier", "administrator"])
def test_it_lets_verifiers_and_administrators_export(client, request, figures, persona):
    client.force_login(request.getfixturevalue(persona))

    page = client.get(FIGURES_LIST).content.decode()
    figures_file = export_figures(client)
    forces_file = export_forces(client)

    assert FIGURES_EXPORT in page
    assert figures_file.status_code == 200 and figures_file["Content-Type"] == "text/csv"
    assert forces_file.status_code == 200 and forces_file["Content-Type"] == "text/csv"
    assert "Northumbria Police" in {row["name"] for row in csv_rows(forces_file)}


# --- What the figures file holds.


def test_it_exports_verified_figures_only_unless_asked(client, verifier, figures):
    client.force_login(verifier)

    response = export_figures(client)

    rows = csv_rows(response)
    assert [(r["period"], r["value"], r["verified"]) for r in rows] == [("2016/17", "323", "yes")]
    assert rows[0]["verified_by"] == "vera" and rows[0]["verified_at"]
    assert 'filename="figures-verified-only-' in response["Content-Disposition"]


def test_it_offers_verified_only_as_the_default_choice(client, verifier):
    client.force_login(verifier)

    form = client.get(FIGURES_EXPORT).context["form"]

    assert form["contents"].value() == "verified"
    assert "unverified" in dict(form.fields["contents"].choices)["all"]


def test_it_marks_unverified_figures_in_every_row_and_in_the_file_name(client, verifier, figures):
    client.force_login(verifier)

    response = export_figures(client, contents="all")

    rows = {r["period"]: r for r in csv_rows(response)}
    assert (rows["2016/17"]["verified"], rows["2016/17"]["verified_by"]) == ("yes", "vera")
    assert (rows["2015/16"]["verified"], rows["2015/16"]["verified_by"]) == ("no", "")
    assert rows["2015/16"]["verified_at"] == ""
    assert 'filename="figures-including-unverified-' in response["Content-Disposition"]


def test_it_keeps_the_changelist_filters(client, verifier, figures):
    client.force_login(verifier)

    response = client.post(
        f"{FIGURES_EXPORT}?period__exact=2015/16",
        {"format": CSV, "resource": "0", "contents": "all"},
    )

    assert [r["value"] for r in csv_rows(response)] == ["98"]


def test_it_writes_numbers_as_numbers_and_empty_cells_empty_in_xlsx(client, verifier, figures):
    client.force_login(verifier)

    rows = xlsx_rows(export_figures(client, XLSX, contents="all"))

    checked = next(row for row in rows if row["period"].value == "2016/17")
    waiting = next(row for row in rows if row["period"].value == "2015/16")
    assert checked["value"].value == 323 and checked["value"].data_type == "n"
    assert waiting["verified_by"].value is None and waiting["verified"].value == "no"


# --- Formulas: every cell of both admins' CSV and XLSX files through the one neutralisation.


@pytest.fixture
def hostile_figures(caseworker, verifier):
    foi_request = FOIRequestFactory()
    figures = [
        FigureFactory(
            request=foi_request,
            breakdown="offence_type",
            category=text[:80],
            status=Figure.Status.SUPPRESSED,
            value=None,
            raw_value=text[:40],
            note=text,
            entered_by=caseworker,
        )
        for text in HOSTILE
    ]
    verify_figures(verifier, figures)
    return figures


def test_it_neutralises_formulas_in_the_figures_csv(client, verifier, hostile_figures):
    client.force_login(verifier)

    rows = csv_rows(export_figures(client))

    assert len(rows) == len(HOSTILE)
    for row in rows:
        assert row["note"] in {"'" + text for text in HOSTILE}
        assert row["category"] == row["value"] == row["note"]


def test_it_neutralises_formulas_in_the_figures_xlsx(client, verifier, hostile_figures):
    client.force_login(verifier)

    rows = xlsx_rows(export_figures(client, XLSX))

    assert len(rows) == len(HOSTILE)
    written = set()
    for row in rows:
        for column in ("category", "value", "note"):
            assert row[column].data_type == "s", (column, row[column].value)
            assert row[column].value.startswith("'")
        written.add(row["note"].value.replace("\n", "\r"))  # XML reads a CR back as LF
    assert written == {("'" + text).replace("\n", "\r") for text in HOSTILE}
    assert all(cell.data_type != "f" for row in rows for cell in row.values())


@pytest.fixture
def hostile_force():
    return ForceFactory(
        name="Hostile Police",
        short_name="-2+3",
        aliases='==HYPERLINK("http://evil.example","x")',
        ons_code="@SUM(A1)",
    )


def test_it_neutralises_formulas_in_the_forces_csv(client, administrator, hostile_force):
    client.force_login(administrator)

    rows = {row["name"]: row for row in csv_rows(export_forces(client))}

    hostile = rows["Hostile Police"]
    assert hostile["aliases"] == "'" + hostile_force.aliases
    assert hostile["short_name"] == "'-2+3"
    assert hostile["ons_code"] == "'@SUM(A1)"


def test_it_neutralises_formulas_in_the_forces_xlsx(client, administrator, hostile_force):
    client.force_login(administrator)

    rows = {row["name"].value: row for row in xlsx_rows(export_forces(client, XLSX))}

    hostile = rows["Hostile Police"]
    assert hostile["aliases"].data_type == "s"
    assert hostile["aliases"].value == "'" + hostile_force.aliases
    assert hostile["short_name"].value == "'-2+3"
    assert all(cell.data_type != "f" for row in rows.values() for cell in row.values())


def test_it_neutralises_formulas_in_the_under_18_populations_export(client, administrator):
    Under18Population.objects.create(
        force=force("Durham Constabulary"), year=2016, under_18=120_000, source="=1+1"
    )
    client.force_login(administrator)

    response = export_forces(
        client, XLSX, resource=Under18PopulationResource, url=POPULATIONS_EXPORT
    )

    row = xlsx_rows(response)[0]
    assert (row["source"].value, row["source"].data_type) == ("'=1+1", "s")
    assert row["under_18"].value == 120_000
