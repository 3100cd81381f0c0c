"""The registry of FOI regimes: each regime's facts, and every rule that differs asks it."""

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.core.exceptions import ValidationError

from returns import deadlines, defaults, messaging, regimes, stages
from returns.models import EmailTemplate, Exemption, NonWorkingDay
from returns.regimes import CHRISTMAS_DAY, FOIA, FOISA, Commissioner, Regime, Review
from tests.factories import CampaignFactory, FOIRequestFactory, ForceFactory

D = date
ROOT = Path(__file__).resolve().parents[2]

# --- Each regime's facts ----------------------------------------------------------------------


def test_it_registers_foia_and_foisa_under_their_stored_codes():
    assert regimes.REGIMES == {"foia": FOIA, "foisa": FOISA}
    assert regimes.get("foia") is FOIA and regimes.get("foisa") is FOISA
    assert deadlines.REGIMES == ("foia", "foisa")


@pytest.mark.parametrize("code", ["FOIA", "eir", "", None, ["foia"]])
def test_it_refuses_an_unknown_regime(code):
    with pytest.raises(ValueError, match=re.escape(repr(code))):
        regimes.get(code)


def test_it_keeps_the_choices_as_they_were_stored():
    assert regimes.choices() == [("foia", "FOIA 2000"), ("foisa", "FOISA 2002 (Scotland)")]
    assert regimes.applies_to_choices() == [
        ("all", "Every force"),
        ("foia", "FOIA forces (outside Scotland)"),
        ("foisa", "Police Scotland (FOISA)"),
    ]
    assert regimes.label("foisa") == "FOISA 2002 (Scotland)"
    assert regimes.label("gone") == "gone"


def test_it_knows_the_foia_rules():
    assert FOIA.act == "the Freedom of Information Act 2000"
    assert FOIA.reply_citation == "FOIA 2000 s.10(1)"
    assert FOIA.reply_working_days == 20
    # s.10(6): a bank holiday in any part of the UK, and Christmas Day and Good Friday by name.
    assert FOIA.counts_holidays_in_any_part_of_the_uk
    assert FOIA.fixed_days == ("Christmas Day", "Good Friday")
    assert FOIA.has_public_interest_extension
    assert (FOIA.extension.citation, FOIA.extension.max_working_days) == ("s.10(3)", 40)
    assert FOIA.review.name == "internal review"
    assert (FOIA.review.working_days, FOIA.review.max_working_days) == (20, 40)
    assert FOIA.commissioner.name == "the Information Commissioner"
    assert FOIA.commissioner.complain_within == relativedelta(weeks=6)
    assert "s.50" in FOIA.commissioner.citation


def test_it_knows_the_foisa_rules():
    assert FOISA.act == "the Freedom of Information (Scotland) Act 2002"
    assert FOISA.reply_citation == "FOISA 2002 s.10(1)"
    assert FOISA.reply_working_days == 20
    # s.73: Scottish bank holidays only.
    assert FOISA.holiday_subdivisions == ("SCT",)
    assert not FOISA.counts_holidays_in_any_part_of_the_uk
    assert FOISA.extension is None and not FOISA.has_public_interest_extension
    # s.20(5): asked for within 40 working days; s.21(1): answered within 20.
    assert FOISA.review.name == "requirement for review"
    assert (FOISA.review.ask_within_working_days, FOISA.review.working_days) == (40, 20)
    assert FOISA.commissioner.name == "the Scottish Information Commissioner"
    assert FOISA.commissioner.complain_within == relativedelta(months=6)
    assert FOISA.commissioner.citation == "s.47(4)(a)"


def test_it_lists_each_regimes_exemptions():
    assert [section for section, _ in FOIA.exemptions] == [
        *("s.12", "s.14", "s.21", "s.22", "s.23", "s.24"),
        *("s.30", "s.31", "s.38", "s.40", "s.41", "s.43"),
    ]
    assert dict(FOISA.exemptions)["s.35"] == "Law enforcement"
    assert len(FOISA.exemptions) == 10


def test_it_fits_every_regimes_exemptions_in_their_columns():
    section, title = (Exemption._meta.get_field(name).max_length for name in ("section", "title"))
    for regime in regimes.REGIMES.values():
        assert all(len(s) <= section and len(t) <= title for s, t in regime.exemptions)


@pytest.mark.parametrize(
    "change",
    [
        {"code": "toolong"},
        {"code": ""},
        {"code": "all"},  # what an extra non-working day for every force stores
        {"holiday_subdivisions": ("ENG", "IOM")},
        {"fixed_days": ("Easter Monday",)},
    ],
)
def test_it_refuses_a_regime_it_could_not_store_or_count(change):
    with pytest.raises(ValueError):
        replace(FOIA, **change)


def test_it_branches_on_no_regime_outside_the_registry():
    """Application code asks the regime object; only the registry, the default letters (keyed
    by code) and migrations spell a regime's code."""
    allowed = {"returns/regimes.py", "returns/defaults.py"}
    literal = re.compile(r"""["']foisa?["']|Regime\.FOI""")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("forces", "returns", "config", "templates")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in (".py", ".html")
        and "migrations" not in path.parts
        and str(path.relative_to(ROOT)) not in allowed
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if literal.search(line)
    ]
    assert offenders == []


# --- A made-up regime needs nothing but its entry -----------------------------------------------

# Northern Irish bank holidays and Christmas Day only; 5 working days to reply, 10 for a review,
# 30 days to go to its commissioner; no extension.
MADE_UP = Regime(
    code="mup",
    label="Made-up Act 2030",
    forces_label="Made-up forces",
    act="the Made-up Act 2030",
    short_name="MUA 2030",
    reply_section="s.1",
    reply_working_days=5,
    working_day_section="s.2",
    holiday_subdivisions=("NIR",),
    fixed_days=(CHRISTMAS_DAY,),
    extension=None,
    review=Review(
        name="reconsideration",
        citation="s.3",
        working_days=10,
        max_working_days=10,
        ask_within_working_days=None,
    ),
    commissioner=Commissioner(
        name="the Made-up Commissioner", complain_within=relativedelta(days=30), citation="s.4"
    ),
    exemptions=(("s.9", "Made-up exemption"),),
)


@pytest.fixture
def made_up(monkeypatch):
    monkeypatch.setitem(regimes.REGIMES, MADE_UP.code, MADE_UP)
    return MADE_UP


def test_it_counts_a_made_up_regimes_working_days(made_up):
    # Received Fri 8 Jul 2022: Mon 11 (1), [Tue 12 the Twelfth, NI], 13-15 (4), Mon 18 (5).
    assert deadlines.due_date(D(2022, 7, 8), "mup", 5) == D(2022, 7, 18)
    # Easter Monday is a bank holiday in Northern Ireland; Good Friday is not named.
    assert deadlines.non_working_reason(D(2022, 4, 18), "mup") == (
        "Easter Monday (bank holiday in Northern Ireland)"
    )
    assert deadlines.non_working_reason(D(2022, 12, 25), "mup") == "Sunday"
    assert deadlines.non_working_reason(D(2023, 12, 25), "mup") == "Christmas Day"


@pytest.mark.django_db
def test_it_gives_a_made_up_regime_its_deadlines_and_messages(made_up):
    made_up_force = ForceFactory(regime="mup")
    made_up_force.full_clean()  # its choices come from the registry
    NonWorkingDay(date=D(2022, 7, 20), name="Made-up day", applies_to="mup").full_clean()
    foi_request = FOIRequestFactory(
        force=made_up_force,
        campaign=CampaignFactory(title="Made-up round"),
        received_on=D(2022, 7, 8),
        internal_review_requested_on=D(2022, 8, 1),
    )

    assert foi_request.due_date == D(2022, 7, 18)  # its 5 working days
    # Its review: 10 working days from Mon 1 Aug 2022 (no holiday in NI that August).
    assert foi_request.internal_review_due_date == D(2022, 8, 15)
    assert stages.review_deadline(D(2022, 8, 1), stages.Clock("mup")) == D(2022, 8, 15)
    assert foi_request.commissioner_deadline() == D(2022, 9, 14)  # 30 days after

    EmailTemplate.objects.create(
        key="chaser", regime="mup", subject="Late: {campaign}", body="{act}; {commissioner}."
    )
    subject, body = messaging.render("chaser", foi_request, on_date=D(2022, 7, 20))
    assert (subject, body) == (
        "Late: Made-up round",
        "the Made-up Act 2030; the Made-up Commissioner.\n",
    )

    foi_request.extended_due_date = D(2022, 8, 1)
    with pytest.raises(ValidationError, match="MUA 2030 has no public-interest extension"):
        foi_request.clean()


@pytest.mark.django_db
def test_it_seeds_a_regime_new_to_the_database_after_migrate(made_up, monkeypatch):
    monkeypatch.setitem(defaults.EMAIL_TEMPLATES, ("chaser", "mup"), ("Late", "Please reply."))
    EmailTemplate.objects.filter(regime="foia", key="chaser").update(body="Edited by staff.")
    foia_exemptions = Exemption.objects.filter(regime="foia").count()

    defaults.seed_new_regimes(sender=apps.get_app_config("returns"), apps=apps)
    defaults.seed_new_regimes(sender=apps.get_app_config("returns"), apps=apps)  # idempotent

    assert list(Exemption.objects.filter(regime="mup").values_list("section", "title")) == [
        ("s.9", "Made-up exemption")
    ]
    assert EmailTemplate.objects.get(regime="mup", key="chaser").body == "Please reply."
    # The regimes the database already had are left as staff keep them.
    assert EmailTemplate.objects.get(regime="foia", key="chaser").body == "Edited by staff."
    assert Exemption.objects.filter(regime="foia").count() == foia_exemptions == 12


@pytest.mark.django_db
def test_it_has_seeded_the_registered_exemptions():
    for regime in regimes.REGIMES.values():
        stored = Exemption.objects.filter(regime=regime.code).values_list("section", "title")
        assert list(stored) == list(regime.exemptions)
