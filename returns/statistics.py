"""National statistics of a campaign, as docs/statistics.md defines them.

Two layers:
- `fetch_inputs` asks the database four aggregate-sized questions (requests and their forces;
  headline cells per force and period; the cells of every breakdown with statistics, summed per
  breakdown, period, category and status in SQL; under-18 populations). The number of queries
  is the same whatever the number of forces, periods, breakdowns or figures.
- `build_statistics` is a pure function turning those rows into the `national_stats --json`
  payload; it loops over forces, periods and distinct categories, never over figures. Each
  breakdown's summary (victim ages, the offence-type table) comes from its entry in
  returns/breakdowns.py, under that entry's key of each period.

Details the definitions leave open, fixed here (docs/statistics.md states them too):
- Figures count only when verified (`verified_at` set) unless `include_unverified` asks, and only
  for the campaign's own measure and periods.
- A headline total is the cell with breakdown "" and category "". `forces_reporting` counts
  forces whose headline cell is `reported` (0 included); `total` is null when none is.
- Victim ages: a category that is a whole number ("13", " 3 ") is that single-year age; "Under 1",
  "under one", "<1" and "0" are age 0; "unknown" (any case) is `unknown`; a band ("0-5", "10 and
  under") counts towards `aged_10_and_under` when it lies within 0..10, and a band across age 10
  makes it null (returns/breakdowns.py, victim_age_summary). Ages are summed over every force's
  reported victim-age cells for the period, whether or not that force also reported a headline
  total. `recorded` and `aged_10_and_under` are null when no single-year age cell (or band, for
  the latter) was reported, `unknown` when no "unknown" cell was; `most_common_age` (ties: the
  youngest) and `youngest_age` look only at single-year ages with a count above 0.
- Partial years: a headline total flagged `partial_year` (Figure.caveat: "year to date" ...) is
  not a year's figure: it is left out of `forces_reporting`, `total`, `per_day`, the change
  figures and the force's own total, change and rate, and listed beside them (`partial_forces`,
  `partial_total`; the force's `partial_total`). Keys that only caveats bring are added only
  when there is one, so figures without caveats give the payload they always did.
- Offence types: see returns/breakdowns.py (the `offence_types` list of each period).
- `suppressed_cells` of a period counts the suppressed cells among the headline cells and the
  victim-age cells; the offence-type table counts its own per type.
- The per-force list holds every force asked (one row per request), for every period, in force
  name order then campaign period order, with nulls where nothing was reported. `ons_code` is null
  for forces without one (Police Scotland, PSNI, the special forces).
- `rate_per_10k_children` divides by the force's under-18 population for the mid-year estimate of
  the period's starting year (mid-2016 for 2016/17); null when that population is not known.
- Percentages and rates round half up to one decimal place, computed exactly (no binary floating
  point before the rounding), then become JSON numbers.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from forces.models import Under18Population
from returns import breakdowns
from returns.breakdowns import CategoryCells
from returns.formatting import counted, number
from returns.models import Figure, FOIRequest
from returns.periods import period_days, period_start_year
from returns.rounding import change_pct, round_half_up

REPORTED = Figure.Status.REPORTED.value
SUPPRESSED = Figure.Status.SUPPRESSED.value
PARTIAL_YEAR = Figure.Caveat.PARTIAL_YEAR.value
PROVISIONAL = Figure.Caveat.PROVISIONAL.value


def previous_of(periods, period):
    """The period before `period` in the campaign's list (Campaign.previous_period), or None."""
    index = periods.index(period)
    return periods[index - 1] if index > 0 else None


# --- What the database returns ------------------------------------------------------------------


@dataclass(frozen=True)
class ForceAsked:
    force_id: int
    name: str
    ons_code: str


@dataclass
class StatisticsInputs:
    slug: str
    measure: str
    periods: list
    forces: list  # [ForceAsked], in name order
    headline: dict  # {(force_id, period): (status, value)}
    breakdown_cells: list  # [CategoryCells] of the breakdowns with statistics
    populations: dict = field(default_factory=dict)  # {(force_id, year): under_18}
    # {(force_id, period): (caveat, caveat_text)} of the headline cells with a caveat
    caveats: dict = field(default_factory=dict)


@dataclass
class CampaignStatistics:
    payload: dict  # exactly the `national_stats --json` shape
    extras: dict  # kept beside the payload for charts: {"age_counts": {period: {"13": 257}}}
    figure_count: int  # figures read: headline and breakdown cells

    @property
    def age_counts(self):
        return self.extras.get("age_counts", {})


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
    headline, caveats = {}, {}
    for force_id, period, status, value, caveat, caveat_text in (
        figures.filter(breakdown="", category="")
        .order_by()
        .values_list("request__force_id", "period", "status", "value", "caveat", "caveat_text")
    ):
        headline[force_id, period] = (status, value)
        if caveat:
            caveats[force_id, period] = (caveat, caveat_text)
    breakdown_cells = [
        CategoryCells(*row)
        for row in figures.filter(breakdown__in=[b.code for b in breakdowns.SUMMARISED])
        .order_by()
        .values("breakdown", "period", "category", "status")
        .annotate(cells=Count("id"), total=Sum("value"))
        .values_list("breakdown", "period", "category", "status", "cells", "total")
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
        breakdown_cells=breakdown_cells,
        populations=populations,
        caveats=caveats,
    )


def compute_statistics(campaign, include_unverified=False):
    return build_statistics(fetch_inputs(campaign, include_unverified))


# --- From rows to the payload (pure) ------------------------------------------------------------


def build_statistics(inputs):
    reported, suppressed = _headline_by_period(inputs)
    cells = _cells_by_breakdown_and_period(inputs)
    periods = []
    for period in inputs.periods:
        previous = previous_of(inputs.periods, period)
        row = _period_row(inputs, period, previous, reported)
        summaries = {
            breakdown: breakdown.summary(
                cells[breakdown.code][period], cells[breakdown.code][previous] if previous else None
            )
            for breakdown in breakdowns.SUMMARISED
        }
        # Key order: the summaries whose suppressed cells `suppressed_cells` counts (victim_age)
        # come before it, as they always have; the other breakdowns' summaries after it.
        for breakdown, summary in summaries.items():
            if breakdown.counted_in_period_suppressed:
                row[breakdown.summary_key] = summary
        row["suppressed_cells"] = suppressed[period] + _suppressed_breakdown_cells(cells, period)
        for breakdown, summary in summaries.items():
            if not breakdown.counted_in_period_suppressed:
                row[breakdown.summary_key] = summary
        row.update(_caveat_keys(inputs, period))
        periods.append(row)
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
    extras = {
        breakdown.counts_key: {
            period: breakdown.counts(cells[breakdown.code][period]) for period in inputs.periods
        }
        for breakdown in breakdowns.SUMMARISED
        if breakdown.counts_key
    }
    figure_count = len(inputs.headline) + sum(row.cells for row in inputs.breakdown_cells)
    return CampaignStatistics(payload=payload, extras=extras, figure_count=figure_count)


def _headline_by_period(inputs):
    """({period: {force_id: value}} of reported headline totals for whole years,
    {period: suppressed cells}). A total flagged as a partial year is not in the first: it is
    listed beside the period's figures instead (_caveat_keys)."""
    reported, suppressed = defaultdict(dict), defaultdict(int)
    for (force_id, period), (status, value) in inputs.headline.items():
        if status == REPORTED and not _is_partial(inputs, force_id, period):
            reported[period][force_id] = value
        elif status == SUPPRESSED:
            suppressed[period] += 1
    return reported, suppressed


def _is_partial(inputs, force_id, period):
    return inputs.caveats.get((force_id, period), ("", ""))[0] == PARTIAL_YEAR


def _caveat_keys(inputs, period):
    """Keys added to a period's row only when a headline total of it has a caveat:
    `partial_forces` (each with its total, left out of every other figure), `partial_total`,
    `provisional_forces`."""
    names = {force.force_id: force.name for force in inputs.forces}
    partial, provisional = [], []
    for (force_id, cell_period), (caveat, text) in sorted(
        inputs.caveats.items(), key=lambda item: names.get(item[0][0], "")
    ):
        if cell_period != period or force_id not in names:
            continue
        status, value = inputs.headline.get((force_id, period), (None, None))
        if caveat == PARTIAL_YEAR:
            total = value if status == REPORTED else None
            partial.append({"force": names[force_id], "total": total, "caveat_text": text})
        elif caveat == PROVISIONAL:
            provisional.append({"force": names[force_id], "caveat_text": text})
    keys = {}
    if partial:
        keys["partial_forces"] = partial
        keys["partial_total"] = _sum_or_none(
            row["total"] for row in partial if row["total"] is not None
        )
    if provisional:
        keys["provisional_forces"] = provisional
    return keys


def _cells_by_breakdown_and_period(inputs):
    """{breakdown code: {period: [CategoryCells]}}."""
    cells = defaultdict(lambda: defaultdict(list))
    for row in inputs.breakdown_cells:
        cells[row.breakdown][row.period].append(row)
    return cells


def _suppressed_breakdown_cells(cells, period):
    return sum(
        row.cells
        for breakdown in breakdowns.SUMMARISED
        if breakdown.counted_in_period_suppressed
        for row in cells[breakdown.code][period]
        if row.status == SUPPRESSED
    )


def _sum_or_none(values):
    values = list(values)
    return sum(values) if values else None


def _period_row(inputs, period, previous, reported):
    """The period's headline figures; build_statistics adds the breakdowns and suppressed cells."""
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


def _force_row(inputs, force, period, previous, reported):
    """A partial year's total is not the force's `total` (nor its previous total): it comes
    under `partial_total`, beside `caveat` and `caveat_text`, keys added only when the
    force's headline total has a caveat."""
    total = reported.get(period, {}).get(force.force_id)
    previous_total = reported.get(previous, {}).get(force.force_id) if previous else None
    population = inputs.populations.get((force.force_id, period_start_year(period)))
    row = {
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
    caveat, text = inputs.caveats.get((force.force_id, period), ("", ""))
    if caveat:
        row.update(caveat=caveat, caveat_text=text)
        if caveat == PARTIAL_YEAR:
            status, value = inputs.headline.get((force.force_id, period), (None, None))
            row["partial_total"] = value if status == REPORTED else None
    return row


# --- Words ----------------------------------------------------------------------------------


def press_sentence(payload, period):
    """A sentence ready for a press release, built only from the payload's figures."""
    row = next(row for row in payload["periods"] if row["period"] == period)
    if row["total"] is None:
        return f"No force has reported a total for {period} yet."
    what = payload["measure"].replace("_", " ")
    sentence = (
        f"Police forces recorded {number(row['total'])} {what} in {period}, "
        f"{number(row['per_day'])} a day (figures from {row['forces_reporting']} of "
        f"{counted(row['forces_asked'], 'force')}, obtained under Freedom of Information)"
    )
    if row["change_pct"] is not None:
        direction = "up" if row["change_pct"] >= 0 else "down"
        sentence += (
            f", {direction} {number(abs(row['change_pct']))}% on the "
            f"{number(row['previous_total'])} recorded in {row['previous_period']} "
            f"by {counted(row['previous_forces_reporting'], 'force')}"
        )
    sentence += "."
    for breakdown in breakdowns.SUMMARISED:
        words = breakdown.sentence(row.get(breakdown.summary_key))
        if words:
            sentence += f" {words}"
    return sentence
