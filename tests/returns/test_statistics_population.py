"""Under-18 populations for the rates per 10,000 children, imported by name, alias or ONS code."""

import pytest
import tablib

from forces.admin import Under18PopulationResource
from forces.models import Under18Population

pytestmark = pytest.mark.django_db


def import_rows(rows, dry_run=False):
    dataset = tablib.Dataset(headers=["force", "year", "under_18", "source"])
    for row in rows:
        dataset.append(row)
    return Under18PopulationResource().import_data(dataset, dry_run=dry_run)


def populations():
    return {
        (p.force.name, p.year): p.under_18
        for p in Under18Population.objects.select_related("force")
    }


def test_it_imports_by_directory_name_alias_and_ons_code():
    result = import_rows(
        [
            ("Northumbria Police", 2016, 300000, "ONS mid-2016"),
            ("Met Police", 2016, 1900000, "ONS mid-2016"),
            ("E23000008", 2016, 110000, "ONS mid-2016"),
        ]
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert populations() == {
        ("Northumbria Police", 2016): 300000,
        ("Metropolitan Police Service", 2016): 1900000,
        ("Durham Constabulary", 2016): 110000,
    }


def test_it_updates_a_force_and_year_instead_of_duplicating_it():
    import_rows([("Northumbria", 2016, 300000, "first estimate")])
    import_rows([("Northumbria Police", 2016, 301000, "revised")])
    assert populations() == {("Northumbria Police", 2016): 301000}


def test_it_saves_nothing_when_a_force_is_unknown():
    result = import_rows(
        [("Northumbria Police", 2016, 300000, ""), ("Atlantis Constabulary", 2016, 5, "")]
    )
    assert result.has_errors()
    [(line, errors)] = result.row_errors()
    assert line == 2
    assert str(errors[0].error).startswith("Unknown force 'Atlantis Constabulary'.")
    assert populations() == {}


def test_it_exports_the_directory_name():
    import_rows([("Met Police", 2016, 1900000, "ONS")])
    exported = Under18PopulationResource().export()
    assert exported.dict[0]["force"] == "Metropolitan Police Service"
