import pytest

from forces.models import Force
from forces.resolver import AmbiguousForce, ForceResolver, UnknownForce, normalise
from tests.factories import ForceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolver():
    return ForceResolver()


@pytest.mark.parametrize(
    "written, expected",
    [
        ("Northumbria Police", "Northumbria Police"),
        ("Northumbria", "Northumbria Police"),
        ("NORTHUMBRIA", "Northumbria Police"),
        ("northumbria police.", "Northumbria Police"),
        ("E23000007", "Northumbria Police"),
        ("e23000007", "Northumbria Police"),
        ("Met Police", "Metropolitan Police Service"),
        ("The Met", "Metropolitan Police Service"),
        ("Durham Police", "Durham Constabulary"),
        ("Durham", "Durham Constabulary"),
        ("Devon & Cornwall", "Devon and Cornwall Police"),
        ("Devon and Cornwall Constabulary", "Devon and Cornwall Police"),
        ("Avon & Somerset Police", "Avon and Somerset Constabulary"),
        ("Hampshire Constabulary", "Hampshire and Isle of Wight Constabulary"),
        ("Dyfed Powys", "Dyfed-Powys Police"),
        ("  Greater   Manchester  ", "Greater Manchester Police"),
        ("Police Scotland", "Police Scotland"),
        ("Scotland", "Police Scotland"),
        ("PSNI", "Police Service of Northern Ireland"),
        ("British Transport Police", "British Transport Police"),
        ("W15000003", "South Wales Police"),
        ("Northumbria Police Service", "Northumbria Police"),
        ("Metropolitan Police", "Metropolitan Police Service"),
        ("Police Service of Scotland", "Police Scotland"),
        ("Dyfed–Powys Police", "Dyfed-Powys Police"),
    ],
)
def test_it_resolves_what_spreadsheets_write(resolver, written, expected):
    assert resolver.resolve(written).name == expected


def test_it_resolves_every_name_and_alias_in_the_directory_to_its_own_force(resolver):
    for force in Force.objects.all():
        for name in force.names():
            if name:
                assert resolver.resolve(name) == force, name


def test_it_names_an_unknown_force_and_suggests_a_close_one(resolver):
    with pytest.raises(
        UnknownForce, match=r"Unknown force 'Northumbira'.*Did you mean Northumbria Police\?"
    ):
        resolver.resolve("Northumbira")


def test_it_refuses_a_blank_force(resolver):
    with pytest.raises(UnknownForce, match="No force given"):
        resolver.resolve("  ")


def test_it_says_which_forces_an_ambiguous_name_could_be():
    ForceFactory(name="Durham Fire Constabulary", short_name="Durham Fire", aliases="Durham")
    with pytest.raises(AmbiguousForce, match="Durham Constabulary, Durham Fire Constabulary"):
        ForceResolver().resolve("Durham")


def test_it_refuses_an_alias_another_force_already_answers_to():
    force = ForceFactory.build(name="Northern Police", short_name="Northern", aliases="Northumbria")
    with pytest.raises(Exception, match="Already used by another force: Northumbria"):
        force.full_clean()


def test_it_normalises_ampersands_case_and_punctuation():
    assert normalise("The Devon & Cornwall Police!") == "devon and cornwall police"
