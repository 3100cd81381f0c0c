"""National statistics of a campaign, as docs/statistics.md defines them.

Two layers:
- `fetch_inputs` asks the database four aggregate-sized questions (requests and their forces;
  headline cells per force and period; victim-age cells summed per period and category in SQL;
  under-18 populations). The number of queries is the same whatever the number of forces,
  periods or figures.
- `build_statistics` is a pure function turning those rows into the `national_stats --json`
  payload; it loops over forces, periods and distinct age categories, never over figures.

Details the definitions leave open, fixed here (docs/statistics.md states them too):
- Figures count only when verified (`verified_at` set) unless `include_unverified` asks, and only
  for the campaign's own measure and periods.
- A headline total is the cell with breakdown "" and category "". `forces_reporting` counts
  forces whose headline cell is `reported` (0 included); `total` is null when none is.
- Victim ages: a category that is a whole number ("13", " 3 ") is that single-year age; "Under 1",
  "under one", "<1" and "0" are age 0; "unknown" (any case) is `unknown`; anything else (bands such
  as "10 and under", "16-17") is in neither and counts towards no age figure. Ages are summed over
  every force's reported victim-age cells for the period, whether or not that force also reported a
  headline total. `recorded` and `aged_10_and_under` are null when no single-year age cell was
  reported, `unknown` when no "unknown" cell was; `most_common_age` (ties: the youngest) and
  `youngest_age` look only at ages with a count above 0.
- `suppressed_cells` of a period counts the suppressed cells among what that period's sums read:
  the headline cells and the victim-age cells (other breakdowns are not summed, so not counted).
- The per-force list holds every force asked (one row per request), for every period, in force
  name order then campaign period order, with nulls where nothing was reported. `ons_code` is null
  for forces without one (Police Scotland, PSNI, the special forces).
- `rate_per_10k_children` divides by the force's under-18 population for the mid-year estimate of
  the period's starting year (mid-2016 for 2016/17); null when that population is not known.
- Percentages and rates round half up to one decimal place, computed exactly (no binary floating
  point before the rounding), then become JSON numbers.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from math import floor

from django.db.models import Count, Sum

from forces.models import Under18Population
from returns.models import Figure, FOIRequest
from returns.periods import period_days, period_start_year

AGE_BREAKDOWN = "victim_age"
REPORTED = Figure.Status.REPORTED.value
SUPPRESSED = Figure.Status.SUPPRESSED.value
AGE_ZERO_WORDS = {"under 1", "under one", "<1", "< 1", "less than 1", "under 1 year"}
WHOLE_NUMBER = re.compile(r"^\d{1,3}$")


# --- Pure helpers -------------------------------------------------------------------------------


def round_half_up(numerator, denominator):
    """numerator / denominator rounded half up (away from zero) to one decimal, as a float.

    Exact: the same result as Decimal's ROUND_HALF_UP on the true quotient.
    """
    if isinstance(numerator, int) and isinstance(denominator, int):
        # Counts and populations are whole numbers: integer arithmetic, ten times faster.
        tenths = (20 * abs(numerator) + abs(denominator)) // (2 * abs(denominator))
        negative = (numerator < 0) != (denominator < 0)
        return -tenths / 10 if negative and tenths else tenths / 10
    value = Fraction(numerator) / Fraction(denominator)
    tenths = floor(abs(value) * 10 + Fraction(1, 2))
    return float(Decimal(tenths if value >= 0 else -tenths).scaleb(-1))


def change_pct(previous, current):
    """Percentage change, or None when either is missing or the previous is 0."""
    if previous is None or current is None or previous == 0:
        return None
    return round_half_up((current - previous) * 100, previous)


def single_year_age(category):
    """ "13" -> 13, "Under 1" -> 0; None for "unknown", bands and anything else."""
    text = " ".join(str(category).strip().lower().split())
    if text in AGE_ZERO_WORDS:
        return 0
    if WHOLE_NUMBER.match(text):
        return int(text)
    return None


def previous_of(periods, period):
    """The period before `period` in the campaign's list (Campaign.previous_period), or None."""
    index = periods.index(period)
    return periods[index - 1] if index > 0 else None


def is_unknown_age(category):
    return str(category).strip().lower() == "unknown"


# --- What the database returns ------------------------------------------------------------------


@dataclass(frozen=True)
class ForceAsked:
    force_id: int
    name: str
    ons_code: str


@dataclass(frozen=True)
class AgeCells:
    """Victim-age cells of one period, category and status, summed in the database."""

    period: str
    category: str
    status: str
    cells: int
    total: int | None


@dataclass
class StatisticsInputs:
    slug: str
    measure: str
    periods: list
    forces: list  # [ForceAsked], in name order
    headline: dict  # {(force_id, period): (status, value)}
    age_cells: list  # [AgeCells]
    populations: dict = field(default_factory=dict)  # {(force_id, year): under_18}


@dataclass
class CampaignStatistics:
    payload: dict  # exactly the `national_stats --json` shape
    age_counts: dict  # {period: {"13": 257, ...}} single-year ages, for the age chart
    figure_count: int  # figures read: headline and victim-age cells


def fetch_inputs(campaign, include_unverified=False):
    """Everything the statistics need, in four queries."""
    figures = Figure.objects.filter(
        request__campaign_id=campaign.pk, measure=campaign.measure, period__in=campaign.periods
    )
    if not include_unverified:
        figures = figures.filter(verified_at__isnull=False)
    forces = [
        ForceAsked(*row)
        for row in FOIRequest.objects.filter(campaign_id=campaign.pk)
        .order_by("force__name")
        .values_list("force_id", "force__name", "force__ons_code")
    ]
    headline = {
        (force_id, period): (status, value)
        for force_id, period, status, value in figures.filter(breakdown="", category="")
        .order_by()
        .values_list("request__force_id", "period", "status", "value")
    }
    age_cells = [
        AgeCells(**row)
        for row in figures.filter(breakdown=AGE_BREAKDOWN)
        .order_by()
        .values("period", "category", "status")
        .annotate(cells=Count("id"), total=Sum("value"))
    ]
    populations = {
        (force_id, year): under_18
        for force_id, year, under_18 in Under18Population.objects.filter(
            force__requests__campaign_id=campaign.pk,
            year__in={period_start_year(period) for period in campaign.periods},
        ).values_list("force_id", "year", "under_18")
    }
    return StatisticsInputs(
        slug=campaign.slug,
        measure=campaign.measure,
        periods=list(campaign.periods),
        forces=forces,
        headline=headline,
        age_cells=age_cells,
        populations=populations,
    )


def compute_statistics(campaign, include_unverified=False):
    return build_statistics(fetch_inputs(campaign, include_unverified))


# --- From rows to the payload (pure) ------------------------------------------------------------


def build_statistics(inputs):
    reported, suppressed = _headline_by_period(inputs)
    ages = _ages_by_period(inputs)
    periods = []
    for period in inputs.periods:
        previous = previous_of(inputs.periods, period)
        periods.append(
            _period_row(inputs, period, previous, reported, ages[period], suppressed[period])
        )
    forces = [
        _force_row(inputs, force, period, previous_of(inputs.periods, period), reported)
        for force in inputs.forces
        for period in inputs.periods
    ]
    payload = {
        "campaign": inputs.slug,
        "measure": inputs.measure,
        "periods": periods,
        "forces": forces,
    }
    age_counts = {
        period: {str(age): count for age, count in sorted(ages[period].ages.items())}
        for period in inputs.periods
    }
    figure_count = len(inputs.headline) + sum(cells.cells for cells in inputs.age_cells)
    return CampaignStatistics(payload=payload, age_counts=age_counts, figure_count=figure_count)


@dataclass
class _AgeTally:
    ages: dict = field(default_factory=dict)  # {age: count}
    unknown: int | None = None
    suppressed: int = 0


def _headline_by_period(inputs):
    """({period: {force_id: value}} of reported headline totals, {period: suppressed cells})."""
    reported, suppressed = defaultdict(dict), defaultdict(int)
    for (force_id, period), (status, value) in inputs.headline.items():
        if status == REPORTED:
            reported[period][force_id] = value
        elif status == SUPPRESSED:
            suppressed[period] += 1
    return reported, suppressed


def _ages_by_period(inputs):
    tallies = defaultdict(_AgeTally)
    for row in inputs.age_cells:
        tally = tallies[row.period]
        if row.status == SUPPRESSED:
            tally.suppressed += row.cells
        if row.status != REPORTED:
            continue
        age = single_year_age(row.category)
        if age is not None:
            tally.ages[age] = tally.ages.get(age, 0) + row.total
        elif is_unknown_age(row.category):
            tally.unknown = (tally.unknown or 0) + row.total
    return tallies


def _sum_or_none(values):
    values = list(values)
    return sum(values) if values else None


def _period_row(inputs, period, previous, reported, ages, suppressed_headline):
    current = reported.get(period, {})
    total = _sum_or_none(current.values())
    days = period_days(period)
    row = {
        "period": period,
        "days": days,
        "forces_asked": len(inputs.forces),
        "forces_reporting": len(current),
        "total": total,
        "per_day": round_half_up(total, days) if total is not None else None,
        "previous_period": previous,
        "previous_total": None,
        "previous_forces_reporting": None,
        "change_pct": None,
        "like_for_like": dict.fromkeys(["forces", "previous_total", "total", "change_pct"]),
        "victim_age": _victim_age(ages),
        "suppressed_cells": suppressed_headline + ages.suppressed,
    }
    if previous is not None:
        earlier = reported.get(previous, {})
        previous_total = _sum_or_none(earlier.values())
        both = [force_id for force_id in current if force_id in earlier]
        like_previous = _sum_or_none(earlier[force_id] for force_id in both)
        like_total = _sum_or_none(current[force_id] for force_id in both)
        row.update(
            previous_total=previous_total,
            previous_forces_reporting=len(earlier),
            change_pct=change_pct(previous_total, total),
            like_for_like={
                "forces": len(both),
                "previous_total": like_previous,
                "total": like_total,
                "change_pct": change_pct(like_previous, like_total),
            },
        )
    return row


def _victim_age(tally):
    counts = tally.ages
    positive = {age: count for age, count in counts.items() if count > 0}
    most_common_count = max(positive.values(), default=None)
    most_common_age = (
        min(age for age, count in positive.items() if count == most_common_count)
        if positive
        else None
    )
    return {
        "most_common_age": most_common_age,
        "most_common_age_count": most_common_count,
        "youngest_age": min(positive, default=None),
        "aged_10_and_under": (
            sum(count for age, count in counts.items() if age <= 10) if counts else None
        ),
        "recorded": sum(counts.values()) if counts else None,
        "unknown": tally.unknown,
    }


def _force_row(inputs, force, period, previous, reported):
    total = reported.get(period, {}).get(force.force_id)
    previous_total = reported.get(previous, {}).get(force.force_id) if previous else None
    population = inputs.populations.get((force.force_id, period_start_year(period)))
    return {
        "force": force.name,
        "ons_code": force.ons_code or None,
        "period": period,
        "total": total,
        "previous_total": previous_total,
        "change_pct": change_pct(previous_total, total),
        "rate_per_10k_children": (
            round_half_up(total * 10000, population) if total is not None and population else None
        ),
    }


# --- Words ----------------------------------------------------------------------------------


def _number(value):
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def _offences(count):
    return f"{_number(count)} offence{'' if count == 1 else 's'}"


def press_sentence(payload, period):
    """A sentence ready for a press release, built only from the payload's figures."""
    row = next(row for row in payload["periods"] if row["period"] == period)
    if row["total"] is None:
        return f"No force has reported a total for {period} yet."
    what = payload["measure"].replace("_", " ")
    sentence = (
        f"Police forces recorded {_number(row['total'])} {what} in {period}, "
        f"{_number(row['per_day'])} a day (figures from {row['forces_reporting']} of "
        f"{row['forces_asked']} forces, obtained under Freedom of Information)"
    )
    if row["change_pct"] is not None:
        direction = "up" if row["change_pct"] >= 0 else "down"
        sentence += (
            f", {direction} {_number(abs(row['change_pct']))}% on the "
            f"{_number(row['previous_total'])} recorded in {row['previous_period']} "
            f"by {row['previous_forces_reporting']} forces"
        )
    sentence += "."
    ages = row["victim_age"]
    if ages["most_common_age"] is not None:
        sentence += (
            f" The most common age of victims was {ages['most_common_age']} "
            f"({_offences(ages['most_common_age_count'])}); the youngest was "
            f"{ages['youngest_age']}; {_offences(ages['aged_10_and_under'])} "
            f"{'was' if ages['aged_10_and_under'] == 1 else 'were'} against children aged 10 "
            "and under."
        )
    return sentence
