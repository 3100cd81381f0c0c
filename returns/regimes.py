"""The FOI regimes a force answers under: one entry each, holding every rule that differs.

Everything regime-specific asks the `Regime` here (as froide's FoiLaw): the working-day rules
(returns.deadlines), the Act and Commissioner named in letters (returns.messaging), the review
and Commissioner deadlines (returns.models, returns.chasing), the exemptions a force may cite and
the choices of every `regime` field. Adding a regime is one entry in REGIMES, plus its default
letters in returns/defaults.py; its exemptions and letters are seeded into a database that has
none yet on the next `migrate` (returns.defaults.seed_new_regimes).

Pure module: no Django. See docs/deadlines.md for the rules themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

# A regime is stored by its code in CharFields of this length.
CODE_MAX_LENGTH = 5
# What an extra non-working day that applies to every force has instead of a regime's code.
ALL_FORCES = "all"

# The holidays package's subdivisions of the UK, with the names the reasons for a skipped day use.
UK_SUBDIVISIONS = {"ENG": "England", "WLS": "Wales", "SCT": "Scotland", "NIR": "Northern Ireland"}
# Days a statute names outright (returns.deadlines knows how to find them in a year).
CHRISTMAS_DAY = "Christmas Day"
GOOD_FRIDAY = "Good Friday"
FIXED_DAYS = (CHRISTMAS_DAY, GOOD_FRIDAY)


@dataclass(frozen=True)
class Extension:
    """More time to reply than the regime's working days, and the most it may take."""

    citation: str
    grounds: str
    max_working_days: int  # counted from the date of receipt, like the reply itself
    source: str  # where that limit comes from


@dataclass(frozen=True)
class Review:
    """The force's own reconsideration, asked for before going to the Commissioner."""

    name: str  # as letters and staff call it
    citation: str
    working_days: int  # the force answers within this many working days of being asked
    max_working_days: int  # the longest the Commissioner accepts
    ask_within_working_days: int | None  # the requester's own time limit, if the law sets one


@dataclass(frozen=True)
class Commissioner:
    name: str  # as letters write it: "the Information Commissioner"
    complain_within: relativedelta  # from the review's answer or, unanswered, its deadline
    citation: str


@dataclass(frozen=True)
class Regime:
    code: str  # stored on forces, exemptions, email templates and extra non-working days
    label: str  # a force's choice label
    forces_label: str  # the forces it covers, for an extra non-working day
    act: str  # as letters name it
    short_name: str
    reply_section: str  # the section setting the time to reply
    reply_working_days: int
    working_day_section: str  # the section defining a working day
    holiday_subdivisions: tuple[str, ...]  # whose bank holidays are non-working days
    fixed_days: tuple[str, ...]  # of FIXED_DAYS: non-working whatever the holiday data says
    extension: Extension | None
    review: Review
    commissioner: Commissioner
    exemptions: tuple[tuple[str, str], ...]  # (section, title) a force may cite

    def __post_init__(self):
        if not 0 < len(self.code) <= CODE_MAX_LENGTH or self.code == ALL_FORCES:
            raise ValueError(
                f"a regime code has 1 to {CODE_MAX_LENGTH} characters, and is not "
                f"{ALL_FORCES!r}: {self.code!r}"
            )
        unknown = set(self.holiday_subdivisions) - set(UK_SUBDIVISIONS)
        unknown |= set(self.fixed_days) - set(FIXED_DAYS)
        if unknown:
            raise ValueError(f"regime {self.code!r}: unknown {', '.join(sorted(unknown))}")

    @property
    def reply_citation(self) -> str:
        return f"{self.short_name} {self.reply_section}"

    @property
    def counts_holidays_in_any_part_of_the_uk(self) -> bool:
        return set(self.holiday_subdivisions) == set(UK_SUBDIVISIONS)

    @property
    def has_public_interest_extension(self) -> bool:
        return self.extension is not None and self.extension.grounds == PUBLIC_INTEREST


PUBLIC_INTEREST = "to consider the public interest"

FOIA = Regime(
    code="foia",
    label="FOIA 2000",
    forces_label="FOIA forces (outside Scotland)",
    act="the Freedom of Information Act 2000",
    short_name="FOIA 2000",
    reply_section="s.10(1)",
    reply_working_days=20,
    # s.10(6): Saturday, Sunday, Christmas Day, Good Friday and a bank holiday "in any part of
    # the United Kingdom", so an English force also loses St Andrew's Day, 2 January, St
    # Patrick's Day and the Twelfth.
    working_day_section="s.10(6)",
    holiday_subdivisions=("ENG", "WLS", "SCT", "NIR"),
    fixed_days=(CHRISTMAS_DAY, GOOD_FRIDAY),
    extension=Extension(
        citation="s.10(3)",
        grounds=PUBLIC_INTEREST,
        max_working_days=40,
        source="ICO guidance: no more than 20 working days beyond the 20 of s.10(1)",
    ),
    review=Review(
        name="internal review",
        citation="Code of Practice under s.45",
        working_days=20,
        max_working_days=40,
        ask_within_working_days=40,
    ),
    commissioner=Commissioner(
        name="the Information Commissioner",
        complain_within=relativedelta(weeks=6),
        citation="s.50; the ICO expects a complaint within 6 weeks of the last substantive contact",
    ),
    exemptions=(
        ("s.12", "Cost of compliance exceeds appropriate limit"),
        ("s.14", "Vexatious or repeated request"),
        ("s.21", "Information accessible by other means"),
        ("s.22", "Information intended for future publication"),
        ("s.23", "Information supplied by, or relating to, bodies dealing with security matters"),
        ("s.24", "National security"),
        ("s.30", "Investigations and proceedings"),
        ("s.31", "Law enforcement"),
        ("s.38", "Health and safety"),
        ("s.40", "Personal information"),
        ("s.41", "Information provided in confidence"),
        ("s.43", "Commercial interests"),
    ),
)

FOISA = Regime(
    code="foisa",
    label="FOISA 2002 (Scotland)",
    forces_label="Police Scotland (FOISA)",
    act="the Freedom of Information (Scotland) Act 2002",
    short_name="FOISA 2002",
    reply_section="s.10(1)",
    reply_working_days=20,
    # s.73: Saturday, Sunday, Christmas Day and bank holidays in Scotland only (so Easter Monday
    # is worked). Good Friday is one of them (Banking and Financial Dealings Act 1971, Sch. 1
    # para. 2); it is named here so that it reads "Good Friday" for every force.
    working_day_section="s.73",
    holiday_subdivisions=("SCT",),
    fixed_days=(CHRISTMAS_DAY, GOOD_FRIDAY),
    extension=None,
    review=Review(
        name="requirement for review",
        citation="s.20-21",
        working_days=20,  # s.21(1)
        max_working_days=20,
        ask_within_working_days=40,  # s.20(5)
    ),
    commissioner=Commissioner(
        name="the Scottish Information Commissioner",
        complain_within=relativedelta(months=6),
        citation="s.47(4)(a)",
    ),
    exemptions=(
        ("s.12", "Excessive cost of compliance"),
        ("s.14", "Vexatious or repeated requests"),
        ("s.17", "Information not held"),
        ("s.25", "Information otherwise accessible"),
        ("s.27", "Information intended for future publication"),
        ("s.31", "National security and defence"),
        ("s.34", "Investigations by Scottish public authorities and proceedings"),
        ("s.35", "Law enforcement"),
        ("s.38", "Personal information"),
        ("s.39", "Health, safety and the environment"),
    ),
)

REGIMES: dict[str, Regime] = {regime.code: regime for regime in (FOIA, FOISA)}


def get(code: str) -> Regime:
    """The regime stored as `code`; ValueError for any other value."""
    try:
        return REGIMES[code]
    except (KeyError, TypeError):
        expected = ", ".join(REGIMES)
        raise ValueError(f"unknown regime {code!r}; expected one of {expected}") from None


def codes() -> list[str]:
    return list(REGIMES)


def choices() -> list[tuple[str, str]]:
    """Choices of a force's regime (a callable, so that a new regime needs no migration)."""
    return [(regime.code, regime.label) for regime in REGIMES.values()]


def applies_to_choices() -> list[tuple[str, str]]:
    """Whom an extra non-working day applies to: every force, or the forces of one regime."""
    regimes = [(regime.code, regime.forces_label) for regime in REGIMES.values()]
    return [(ALL_FORCES, "Every force"), *regimes]


def label(code: str) -> str:
    """The regime's label, or the code itself for a value no regime has."""
    regime = REGIMES.get(code)
    return regime.label if regime else code
