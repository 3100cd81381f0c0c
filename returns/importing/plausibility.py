"""Plausibility checks on a force's figures: never blocking, shown to the verifier.

Pure: works on {cell key: (status, value)} with keys (request id, period, measure, breakdown,
category). Rules:
- a breakdown summing above its headline total (suppressed cells are not counted, so the sum
  is a lower bound and exceeding the total is certain);
- a headline total changing year on year by more than +100% or less than -50%, when either
  year has more than 20 offences (smaller counts swing by chance);
- a zero where the previous period had more than 20 (headline totals and categories alike).
"""

from collections import defaultdict
from dataclasses import dataclass

LARGE = 20


@dataclass(frozen=True)
class Finding:
    key: tuple
    code: str
    message: str


def find_warnings(cells, periods, name_of=str):
    """Every warning for `cells`; `name_of(request id)` names the force in messages."""
    reported = {key: value for key, (status, value) in cells.items() if status == "reported"}
    return [
        *_breakdowns_above_total(reported, name_of),
        *_year_on_year(reported, periods, name_of),
    ]


def _breakdowns_above_total(reported, name_of):
    sums = defaultdict(int)
    for (request, period, measure, breakdown, _category), value in reported.items():
        if breakdown:
            sums[(request, period, measure, breakdown)] += value
    for (request, period, measure, breakdown), total_of_parts in sorted(sums.items()):
        key = (request, period, measure, "", "")
        total = reported.get(key)
        if total is not None and total_of_parts > total:
            label = breakdown.replace("_", " ")
            yield Finding(
                key,
                f"above_total:{breakdown}"[:40],
                f"{name_of(request)} {period}: the {label} figures add up to "
                f"{total_of_parts:,}, more than the total of {total:,}.",
            )


def _year_on_year(reported, periods, name_of):
    previous_of = dict(zip(periods[1:], periods[:-1], strict=False))
    for key, value in sorted(reported.items()):
        request, period, measure, breakdown, category = key
        previous_period = previous_of.get(period)
        previous = reported.get((request, previous_period, measure, breakdown, category))
        if previous is None:
            continue
        cell = f"{breakdown.replace('_', ' ')} {category}" if breakdown else "total"
        where = f"{name_of(request)} {period} {cell}"
        if value == 0 and previous > LARGE:
            yield Finding(
                key,
                "zero_after_large",
                f"{where}: 0, where {previous_period} had {previous:,}.",
            )
        elif not breakdown and previous and max(value, previous) > LARGE:
            change = (value - previous) / previous * 100
            if change > 100 or change < -50:
                yield Finding(
                    key,
                    "year_on_year",
                    f"{where}: {value:,}, {change:+.0f}% on {previous_period} ({previous:,}).",
                )


def total_disagreements(figures, name_of=str):
    """Wide tables: a Total row that differs from the sum of its parts (none suppressed).

    Below the total is flagged here; above it is `_breakdowns_above_total`'s warning.
    """
    parts, totals, suppressed = defaultdict(int), {}, set()
    for figure in figures:
        group = (figure.request.pk, figure.period, figure.measure)
        if not figure.breakdown:
            if figure.status == "reported":
                totals[group] = figure
        elif figure.status == "reported":
            parts[group] += figure.value
        else:
            suppressed.add(group)
    for group, total in totals.items():
        if group in parts and group not in suppressed and parts[group] < total.value:
            yield Finding(
                total.key,
                "total_disagrees",
                f"{name_of(group[0])} {group[1]}: the Total row says {total.value:,} but "
                f"its parts add up to {parts[group]:,}.",
            )
