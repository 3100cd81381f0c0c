"""Working-day arithmetic for statutory reply deadlines.

FOIA 2000 s.10(1): a public authority must reply "not later than the twentieth working day
following the date of receipt". FOISA 2002 s.10(1) says the same for Scottish authorities
(here: Police Scotland). Which days are working days is each regime's rule in returns.regimes
(the code passed as `regime` here).

Pure module: no Django. The admin-editable extra non-working days are passed in by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from dateutil.easter import easter

from returns import regimes

FOIA = regimes.FOIA.code
FOISA = regimes.FOISA.code
REGIMES = tuple(regimes.REGIMES)

ExtraDays = Mapping[date, str] | Iterable[date]

_PLACES = regimes.UK_SUBDIVISIONS
# Named outright by the statutes (in England and Wales they are common-law holidays, not bank
# holidays), so they never depend on the holiday data.
_FIXED_DAYS = {
    regimes.CHRISTMAS_DAY: lambda year: date(year, 12, 25),
    regimes.GOOD_FRIDAY: lambda year: easter(year) - timedelta(days=2),
}
_RENAMES = {
    "Saint Andrew's Day": "St Andrew's Day",
    "Saint Patrick's Day": "St Patrick's Day",
    "New Year Holiday": "2 January",
}
_OBSERVED = " (observed)"


def non_working_reason(day: date, regime: str, extra_days: ExtraDays = ()) -> str | None:
    """None if `day` is a working day under `regime`, else a short reason for the reader."""
    rules = regimes.get(regime)
    return _reason(_as_date(day), rules, _extras(extra_days))


def is_working_day(day: date, regime: str, extra_days: ExtraDays = ()) -> bool:
    return non_working_reason(day, regime, extra_days) is None


def due_date(
    received_on: date, regime: str, working_days: int = 20, extra_days: ExtraDays = ()
) -> date:
    """The `working_days`-th working day after the date of receipt."""
    return _count_forward(received_on, regime, working_days, extra_days)[0]


def skipped_days(
    received_on: date, regime: str, working_days: int = 20, extra_days: ExtraDays = ()
) -> list[tuple[date, str]]:
    """Non-working days after receipt, up to the due date, each with its reason."""
    return _count_forward(received_on, regime, working_days, extra_days)[1]


def working_days_after(start: date, end: date, regime: str, extra_days: ExtraDays = ()) -> int:
    """How many working days fall in (start, end]; 0 when end <= start."""
    rules = regimes.get(regime)
    extras = _extras(extra_days)
    start, end = _as_date(start), _as_date(end)
    days = (start + timedelta(days=n) for n in range(1, (end - start).days + 1))
    return sum(1 for day in days if _reason(day, rules, extras) is None)


def working_days_back(
    end: date, working_days: int, regime: str, extra_days: ExtraDays = ()
) -> date:
    """The latest day d with `working_days` working days in (d, end].

    A due date on or before it is at least that many working days past by `end` (the SQL form
    of `working_days_after(due, end) >= working_days`).
    """
    rules = regimes.get(regime)
    extras = _extras(extra_days)
    day, counted = _as_date(end), 0
    while counted < working_days:
        if _reason(day, rules, extras) is None:
            counted += 1
        day -= timedelta(days=1)
    return day


def _count_forward(received_on, regime, working_days, extra_days):
    rules = regimes.get(regime)
    if not isinstance(working_days, int) or working_days < 1:
        raise ValueError(f"working_days must be a whole number >= 1, not {working_days!r}")
    extras = _extras(extra_days)
    # The day of receipt never counts, even when it is a weekend: day one is the next working day.
    day, remaining, skipped = _as_date(received_on), working_days, []
    while remaining:
        day += timedelta(days=1)
        reason = _reason(day, rules, extras)
        if reason is None:
            remaining -= 1
        else:
            skipped.append((day, reason))
    return day, skipped


def _reason(day: date, rules: regimes.Regime, extras: Mapping[date, str]) -> str | None:
    if day.weekday() >= 5:
        return ("Saturday", "Sunday")[day.weekday() - 5]
    holiday = _holiday_reasons(rules.holiday_subdivisions, rules.fixed_days, day.year).get(day)
    if holiday:
        return holiday
    if day in extras:
        return f"Extra non-working day: {extras[day]}" if extras[day] else "Extra non-working day"
    return None


@lru_cache(maxsize=256)
def _holiday_reasons(
    subdivisions: tuple[str, ...], fixed_days: tuple[str, ...], year: int
) -> dict[date, str]:
    """date -> reason for every holiday of `year` (weekends aside): the bank holidays of
    `subdivisions`, and the `fixed_days` a statute names."""
    places: dict[date, dict[str, list[str]]] = {}
    for subdiv in subdivisions:
        calendar = holidays.UK(subdiv=subdiv, years=year, language="en_GB")
        for day in calendar:
            for name in calendar.get_list(day):
                places.setdefault(day, {}).setdefault(name, []).append(subdiv)
    reasons = {
        day: "; ".join(_describe(name, subdivs) for name, subdivs in names.items())
        for day, names in places.items()
    }
    for name in fixed_days:
        reasons[_FIXED_DAYS[name](year)] = name
    return reasons


def _describe(name: str, subdivs: list[str]) -> str:
    observed = name.endswith(_OBSERVED)
    name = name.removesuffix(_OBSERVED)
    name = _RENAMES.get(name, name)
    if observed:
        name = f"Substitute day for {name}"
    if len(subdivs) == len(_PLACES):
        return f"{name} (bank holiday throughout the UK)"
    return f"{name} (bank holiday in {', '.join(_PLACES[s] for s in subdivs)})"


def _extras(extra_days: ExtraDays) -> dict[date, str]:
    if isinstance(extra_days, Mapping):
        return {_as_date(day): str(text or "").strip() for day, text in extra_days.items()}
    return {_as_date(day): "" for day in extra_days}


def _as_date(value: date) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date, not {value!r}")
