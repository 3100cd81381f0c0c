"""The breakdowns of a headline total, one registry entry each (like healthchecks' TRANSPORTS).

A figure's `breakdown` says how a force split its headline total ("" is the total itself) and its
`category` which part the figure is ("13", "Rape"). Each `Breakdown` in BREAKDOWNS holds what the
app knows about one breakdown:

- importing: the names files give it (`aliases`), the hint shown when importing a force's own
  table (`categories_hint`) and how a category written in a file is stored (`normalise`);
- display: the order of its categories (`order`);
- statistics: its summary of one period (`summarise`), printed under `summary_key` in each period
  of `national_stats --json`, shown on the statistics page by `template`, put into words for the
  press sentence (`press`) and drawn (`chart`). No `summary_key`, no statistics.

Adding a breakdown is adding one entry to BREAKDOWNS: the importer (importing/cells.py), the
statistics (statistics.py), the stored snapshot, the statistics page and its charts loop over
them. A breakdown without an entry is still imported, its categories kept as written, and has no
statistics.

Nothing here touches the database: summaries read `CategoryCells`, the figures of one breakdown
already summed per period, category and status by statistics.fetch_inputs.

Offence types (docs/statistics.md, "The offence-type table"): each period's table lists every
offence type with a reported or suppressed cell that period, ordered by total (largest first, types
with only suppressed cells last) then name. `total` sums the reported cells of every force, whether
or not it reported a headline total; `share_pct` is that total as a share of the sum of every type's
total that period (the offence-type cells themselves, not the headline total, which not every force
splits by type); `previous_total` and `change_pct` compare with the same type in the period before,
over each period's own forces as the press quotes it (null where the previous total is missing or
0); `forces_reporting` counts the forces with a reported cell for the type (0 included);
`suppressed_cells` counts its suppressed cells, never summed. These suppressed cells are not in the
period's own `suppressed_cells`, which keeps counting the headline and victim-age cells only.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from returns.formatting import counted
from returns.rounding import change_pct, round_half_up

REPORTED, SUPPRESSED = "reported", "suppressed"


@dataclass(frozen=True)
class CategoryCells:
    """The figures of one breakdown, period, category (as stored) and status, summed in SQL."""

    breakdown: str
    period: str
    category: str
    status: str
    # How many figures: as many forces, since a force has one figure per period, measure,
    # breakdown and category (the one_figure_per_cell constraint).
    cells: int
    total: int | None  # the sum of their values (None unless reported)


@dataclass(frozen=True)
class Chart:
    """A bar chart of one breakdown for one period (drawn by views/statistics_charts.py)."""

    name: str  # in its address: statistics/<slug>/charts/<name>.svg
    title: str  # "Victims by age"; the period is added
    bars: Callable  # (breakdown, summary, counts) -> [(label, value)] in drawing order
    horizontal: bool = False
    axis_label: str = ""  # what the categories are
    empty_text: str = "Nothing reported"


@dataclass(frozen=True)
class Breakdown:
    code: str  # as stored in Figure.breakdown
    label: str
    categories_hint: str = ""
    aliases: tuple = ()  # other names in files, written as parse_breakdown writes them
    normalise: Callable = None  # category text (trimmed) -> category as stored
    order: Callable = None  # sort key of a stored category, for display
    summary_key: str | None = None  # key of each period of `national_stats --json`
    summarise: Callable = None  # (breakdown, cells, previous_cells or None) -> summary
    counts: Callable | None = None  # (cells) -> {category: count}, kept beside the payload
    counts_key: str | None = None  # where the counts are kept in the stored snapshot
    counted_in_period_suppressed: bool = False  # its suppressed cells in suppressed_cells
    template: str = "returns/breakdowns/category_table.html"
    press: Callable | None = None  # (breakdown, summary) -> words for the press sentence
    chart: Chart | None = None

    def __post_init__(self):
        defaults = {
            "normalise": as_written,
            "order": alphabetical,
            "summarise": category_table,
            "press": category_press,
        }
        for name, default in defaults.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, default)

    @property
    def choice_label(self):
        return f"{self.label} ({self.categories_hint})" if self.categories_hint else self.label

    @property
    def plural(self):
        return f"{self.label.lower()}s"

    def ordered(self, categories):
        return sorted(categories, key=self.order)

    def summary(self, cells, previous):
        return self.summarise(self, cells, previous)

    def sentence(self, summary):
        return self.press(self, summary) if self.press and summary else ""


# --- Words shared with the press sentence ----------------------------------------------------


def offences(count):
    return counted(count, "offence")


def listed(items):
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


# --- Categories kept as written, and matching them ----------------------------------------------


def as_written(text):
    return text


NOT_A_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=4096)  # the statistics ask for each category's key once per cell row
def match_key(text):
    """What two spellings of one category share: case, spaces, punctuation and "&" aside."""
    return " ".join(NOT_A_WORD.sub(" ", str(text).casefold().replace("&", " and ")).split())


def alphabetical(category):
    return (match_key(category), category)


# --- Victim age ---------------------------------------------------------------------------------

# Import: how forces write ages (docs/file-formats.md, "Victim ages"). Stored as "0".."17",
# bands "low-high" ("0-5", "6-10") and "unknown"; an age of 18 or over is refused.
QUESTION_AGE = 18  # the question asks about victims under 18
UNDER_ONE = re.compile(
    r"^(aged? )?(under|less than|<) ?(1|one)( ?(years?|yrs?))?( old)?$"
    r"|^(aged? )?(under|less than|<) ?12 ?months?( old)?$|^0 ?- ?11 ?months?$|^0$"
)
AGE_UNKNOWN = {
    "unknown", "not known", "nk", "n/k", "not recorded", "not stated", "not given",
    "not specified", "(blank)", "blank", "unrecorded", "no age recorded", "no age given",
}  # fmt: skip
AGE_WORD = re.compile(r"\b(age|aged|of victim|victim)\b")
AGE_NUMBER = re.compile(r"^(aged? )?(\d{1,3})(\.0+)?( ?(years?|yrs?|y/?o)( old)?)?$")
BAND = re.compile(r"^(aged? )?(\d{1,3}) ?(-|to) ?(\d{1,3})( ?(years?|yrs?)( old)?)?$")
UNDER_N = re.compile(r"^(aged? )?(under|less than|below|<) ?(\d{1,3})( ?(years?|yrs?))?( old)?$")
N_AND_UNDER = re.compile(
    r"^(aged? )?(\d{1,3}) ?(years? )?(and|or|&) ?(under|younger|below)$|^(aged? )?up to (\d{1,3})$"
)
# "over 17" is 18 and over; "18+", "18 and over" too. "16 and over" is kept as written.
OVER = re.compile(r"^(aged? )?(over|above|older than) ?(\d{1,3})")
AND_OVER = re.compile(r"^(aged? )?(\d{1,3}) ?(\+|and over|or over|and above|or older)")
WITH_ASIDE = re.compile(r"^(?P<main>[^()]+?) ?\((?P<aside>[^()]+)\)$")  # "0 (under 1)"
CANONICAL_BAND = re.compile(r"^(\d{1,2})-(\d{1,2})$")
# Statistics: which stored categories are single-year ages.
AGE_ZERO_WORDS = {"under 1", "under one", "<1", "< 1", "less than 1", "under 1 year"}
WHOLE_NUMBER = re.compile(r"^\d{1,3}$")


class AdultAge(ValueError):
    """An age of 18 or over: age_category refuses it in words the caseworker can act on."""


def age_text(text):
    """Lower case, one space, one kind of dash: how age categories are compared."""
    text = " ".join(str(text).replace("\xa0", " ").lower().split())
    return re.sub(r" ?[‐‑‒–—−] ?", "-", text).replace(" - ", "-")


def age_category(text):
    """How a victim-age category is stored: "0".."17", a band "low-high", "unknown", or the
    text as written when it is none of these; ValueError for an age of 18 or over."""
    lowered = age_text(text)
    try:
        aside = WITH_ASIDE.match(lowered)
        if aside:  # "0 (under 1)": taken when both halves say the same
            main, other = _read_age(aside["main"]), _read_age(aside["aside"])
            return main if main is not None and main == other else text
        found = _read_age(lowered)
    except AdultAge:
        raise ValueError(
            f"{text!r} is an age of 18 or over, outside the question (victims under 18). "
            "Remove that row from the table, and check whether the force's total includes it."
        ) from None
    return text if found is None else found


def _read_age(lowered):
    if UNDER_ONE.match(lowered):
        return "0"
    if " ".join(AGE_WORD.sub(" ", lowered).split()) in AGE_UNKNOWN or lowered in AGE_UNKNOWN:
        return "unknown"
    match = AGE_NUMBER.match(lowered)
    if match:
        return _single_age(int(match.group(2)), lowered)
    return _read_band(lowered)


def _read_band(lowered):
    match = BAND.match(lowered)
    if match:
        return _band(int(match.group(2)), int(match.group(4)), lowered)
    match = UNDER_N.match(lowered)
    if match:
        return _band(0, int(match.group(3)) - 1, lowered)
    match = N_AND_UNDER.match(lowered)
    if match:
        return _band(0, int(match.group(2) or match.group(7)), lowered)
    over, and_over = OVER.match(lowered), AND_OVER.match(lowered)
    if (over and int(over.group(3)) + 1 >= QUESTION_AGE) or (
        and_over and int(and_over.group(2)) >= QUESTION_AGE
    ):
        raise AdultAge(lowered)
    return None


def _single_age(age, written):
    if age >= QUESTION_AGE:
        raise AdultAge(written)
    return str(age)


def _band(low, high, written):
    if high >= QUESTION_AGE:
        raise AdultAge(written)
    if low > high:
        return None  # not a band: kept as written
    return str(low) if low == high else f"{low}-{high}"


def age_band(category):
    """(low, high) of a stored age band ("0-5" -> (0, 5), "10 and under" -> (0, 10));
    None for single years, "unknown" and anything else."""
    try:
        stored = age_category(str(category))
    except ValueError:
        return None
    match = CANONICAL_BAND.match(stored)
    if not match:
        return None
    low, high = int(match.group(1)), int(match.group(2))
    return (low, high) if low < high < QUESTION_AGE else None


def single_year_age(category):
    """ "13" -> 13, "Under 1" -> 0; None for "unknown", bands and anything else."""
    text = " ".join(str(category).strip().lower().split())
    if text in AGE_ZERO_WORDS:
        return 0
    if WHOLE_NUMBER.match(text):
        return int(text)
    return None


def is_unknown_age(category):
    return str(category).strip().lower() == "unknown"


def age_order(category):
    """Single years, then "unknown", then bands (youngest first), then anything else."""
    age = single_year_age(category)
    if age is not None:
        return (0, age, 0, "")
    if is_unknown_age(category):
        return (1, 0, 0, "")
    band = age_band(category)
    if band is not None:
        return (2, *band, "")
    return (3, 0, 0, match_key(category))


def age_counts(cells):
    """{age: count} summed over the reported single-year age cells."""
    counts = {}
    for row in cells:
        age = single_year_age(row.category) if row.status == REPORTED else None
        if age is not None:
            counts[age] = counts.get(age, 0) + row.total
    return counts


def band_counts(cells):
    """{(low, high): count} summed over the reported age-band cells ("0-5", "6-10")."""
    counts = {}
    for row in cells:
        band = age_band(row.category) if row.status == REPORTED else None
        if band is not None:
            counts[band] = counts.get(band, 0) + row.total
    return counts


def band_name(band):
    return f"{band[0]}-{band[1]}"


def victim_age_summary(breakdown, cells, previous):
    """Most common age (ties: the youngest) and youngest with a count above 0, aged 10 and
    under, recorded (single-year ages) and unknown; null where no such cell was reported.

    Bands (docs/statistics.md, "Age bands"): a band within 0..10 counts towards aged 10 and
    under; a band across age 10 with a count above 0 makes that figure null, and is listed;
    the mode and the youngest age come from single years only. The band keys are added only
    when a band was reported, so single-year figures give the same keys as ever.
    """
    counts = age_counts(cells)
    bands = band_counts(cells)
    reported = [row for row in cells if row.status == REPORTED]
    unknown = [row.total for row in reported if is_unknown_age(row.category)]
    positive = {age: count for age, count in counts.items() if count > 0}
    most_common_count = max(positive.values(), default=None)
    most_common_age = (
        min(age for age, count in positive.items() if count == most_common_count)
        if positive
        else None
    )
    summary = {
        "most_common_age": most_common_age,
        "most_common_age_count": most_common_count,
        "youngest_age": min(positive, default=None),
        "aged_10_and_under": aged_up_to(10, counts, bands) if counts or bands else None,
        "recorded": sum(counts.values()) if counts else None,
        "unknown": sum(unknown) if unknown else None,
    }
    if bands:
        summary.update(band_summary(counts, bands))
    return summary


def whole_bands_up_to(edge, counts, bands):
    """What single years and whole bands say of ages 0..edge: (sum, [bands across the edge])."""
    within = sum(count for age, count in counts.items() if age <= edge)
    within += sum(count for (low, high), count in bands.items() if high <= edge)
    across = [band for band, count in bands.items() if crosses(band, edge) and count]
    return within, across


def crosses(band, edge):
    return band[0] <= edge < band[1]


def aged_up_to(edge, counts, bands):
    """Ages 0..edge from single years and whole bands; None when a band crosses the edge."""
    within, across = whole_bands_up_to(edge, counts, bands)
    return None if across else within


def band_summary(counts, bands):
    within, across = whole_bands_up_to(10, counts, bands)
    return {
        "banded": sum(bands.values()),
        "bands": [{"band": band_name(band), "count": bands[band]} for band in sorted(bands)],
        "aged_10_and_under_at_least": within,
        "straddling_bands": [
            {"band": band_name(band), "count": bands[band], "statistic": "aged_10_and_under"}
            for band in sorted(across)
        ],
    }


def victim_age_counts(cells):
    """{"13": 257, ...}: the single-year ages of a period in age order, for the age chart."""
    return {str(age): count for age, count in sorted(age_counts(cells).items())}


def victim_age_press(breakdown, ages):
    if ages.get("most_common_age") is None:
        return ""
    sentence = (
        f"The most common age of victims was {ages['most_common_age']} "
        f"({offences(ages['most_common_age_count'])}); the youngest was "
        f"{ages['youngest_age']}"
    )
    if ages.get("aged_10_and_under") is None:  # an age band crosses age 10: no figure
        return sentence + "."
    return (
        f"{sentence}; {offences(ages['aged_10_and_under'])} "
        f"{'was' if ages['aged_10_and_under'] == 1 else 'were'} against children aged 10 "
        "and under."
    )


def age_bars(breakdown, summary, counts):
    """Every age from the youngest to the oldest reported, 0 where none was."""
    by_age = {int(age): count for age, count in (counts or {}).items()}
    if not by_age:
        return []
    return [(str(age), by_age.get(age, 0)) for age in range(min(by_age), max(by_age) + 1)]


# --- Category tables (offence types) ------------------------------------------------------------

# Offence types forces name; a category matching one of these (case, spaces and punctuation
# aside) is stored with this spelling. Anything else is kept as the force wrote it: two different
# offences are never merged into one.
OFFENCE_TYPES = (
    "Rape",
    "Rape of a female child under 13",
    "Rape of a male child under 13",
    "Rape of a female child under 16",
    "Rape of a male child under 16",
    "Sexual assault",
    "Sexual assault on a female child under 13",
    "Sexual assault on a male child under 13",
    "Sexual activity involving a child under 13",
    "Sexual activity involving a child under 16",
    "Causing or inciting a child to engage in sexual activity",
    "Engaging in sexual activity in the presence of a child",
    "Causing a child to watch a sexual act",
    "Sexual communication with a child",
    "Grooming",
    "Meeting a child following sexual grooming",
    "Sexual exploitation of a child",
    "Abuse of position of trust of a sexual nature",
    "Indecent images of children",
    "Exposure",
    "Voyeurism",
    "Other sexual offences",
)
OFFENCE_TYPE_BY_KEY = {match_key(label): label for label in OFFENCE_TYPES}
OFFENCE_TYPE_POSITION = {label: position for position, label in enumerate(OFFENCE_TYPES)}


@lru_cache(maxsize=4096)
def offence_type(text):
    """The known spelling of an offence type, or the text as written."""
    return OFFENCE_TYPE_BY_KEY.get(match_key(text), text)


def offence_type_order(category):
    label = offence_type(category)
    return (OFFENCE_TYPE_POSITION.get(label, len(OFFENCE_TYPES)), match_key(label), label)


@dataclass
class _CategoryTally:
    labels: set = field(default_factory=set)
    total: int | None = None
    forces: int = 0
    suppressed: int = 0


def tally_categories(breakdown, cells):
    """{match key: tally} of the categories with a reported or suppressed cell.

    Spellings of one category that differ only in case or spacing (stored before the importer
    normalised them) are one category; its label is the first spelling in sorted order.
    """
    tallies = {}
    for row in cells:
        if row.status not in (REPORTED, SUPPRESSED):
            continue
        label = breakdown.normalise(row.category)
        tally = tallies.setdefault(match_key(label), _CategoryTally())
        tally.labels.add(label)
        if row.status == SUPPRESSED:
            tally.suppressed += row.cells
        else:
            tally.total = (tally.total or 0) + row.total
            tally.forces += row.cells
    return tallies


def category_table(breakdown, cells, previous):
    """Per category: total, share of the period's sum, previous total, change, forces, and
    suppressed cells; largest total first (categories with none last), then by name."""
    current = tally_categories(breakdown, cells)
    earlier = tally_categories(breakdown, previous or [])
    grand_total = sum(tally.total for tally in current.values() if tally.total is not None)
    rows = []
    for key, tally in current.items():
        previous_total = earlier[key].total if key in earlier else None
        rows.append(
            {
                breakdown.code: min(tally.labels),
                "total": tally.total,
                "share_pct": (
                    round_half_up(tally.total * 100, grand_total)
                    if tally.total is not None and grand_total
                    else None
                ),
                "previous_total": previous_total,
                "change_pct": change_pct(previous_total, tally.total),
                "forces_reporting": tally.forces,
                "suppressed_cells": tally.suppressed,
            }
        )
    rows.sort(
        key=lambda row: (
            row["total"] is None,
            -(row["total"] or 0),
            match_key(row[breakdown.code]),
            row[breakdown.code],
        )
    )
    return rows


def category_press(breakdown, rows, most=4):
    """ "The most common offence types were Rape (40 offences) and ..." for up to `most`."""
    top = [row for row in rows if row["total"]][:most]
    if not top:
        return ""
    named = listed([f"{row[breakdown.code]} ({offences(row['total'])})" for row in top])
    if len(top) == 1:
        return f"The most common {breakdown.label.lower()} was {named}."
    return f"The most common {breakdown.plural} were {named}."


def category_bars(breakdown, rows, counts):
    """The reported totals, smallest first (drawn bottom up, so the largest is on top)."""
    bars = [(row[breakdown.code], row["total"]) for row in rows or [] if row["total"] is not None]
    return list(reversed(bars))


# --- The registry -------------------------------------------------------------------------------

BREAKDOWNS = (
    Breakdown(
        code="victim_age",
        label="Victim age",
        categories_hint="Under 1, 0..17, Unknown",
        aliases=("age", "victims_age", "age_of_victim"),
        normalise=age_category,
        order=age_order,
        summary_key="victim_age",
        summarise=victim_age_summary,
        counts=victim_age_counts,
        counts_key="age_counts",
        counted_in_period_suppressed=True,
        template="returns/breakdowns/victim_age.html",
        press=victim_age_press,
        chart=Chart(
            name="ages",
            title="Victims by age",
            bars=age_bars,
            axis_label="Age of victim (years)",
            empty_text="No single-year ages reported",
        ),
    ),
    Breakdown(
        code="offence_type",
        label="Offence type",
        aliases=("offence", "offences", "crime_type"),
        normalise=offence_type,
        order=offence_type_order,
        summary_key="offence_types",
        chart=Chart(
            name="offence-types",
            title="Offences by type",
            bars=category_bars,
            horizontal=True,
            empty_text="No offence types reported",
        ),
    ),
    Breakdown(
        code="victim_gender",
        label="Victim gender",
        aliases=("gender", "sex", "victim_sex"),
    ),
)
BY_CODE = {breakdown.code: breakdown for breakdown in BREAKDOWNS}
SUMMARISED = tuple(breakdown for breakdown in BREAKDOWNS if breakdown.summary_key)
COUNTS_KEYS = tuple(breakdown.counts_key for breakdown in BREAKDOWNS if breakdown.counts_key)


def get(code):
    """The entry of a breakdown code, or None for one without an entry."""
    return BY_CODE.get(code)


def code_for(name):
    """A breakdown's code from the name a file gives it ("age" -> "victim_age"), or the name."""
    for breakdown in BREAKDOWNS:
        if name == breakdown.code or name in breakdown.aliases:
            return breakdown.code
    return name


def normalise_category(code, text):
    breakdown = get(code)
    return breakdown.normalise(text) if breakdown else text
