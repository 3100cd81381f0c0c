"""Financial-year periods: "2016/17" runs 1 April 2016 to 31 March 2017."""

import re
from datetime import date

PERIOD_PATTERN = re.compile(r"^\s*(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})\s*$")


def normalise_period(text):
    """ "2016/17", "2016-17", "2016/2017" -> "2016/17"; ValueError for anything else."""
    match = PERIOD_PATTERN.match(str(text or ""))
    if not match:
        raise ValueError(f"{text!r} is not a financial year like 2016/17.")
    start, end = int(match.group(1)), match.group(2)
    expected_end = start + 1
    if int(end) != (expected_end if len(end) == 4 else expected_end % 100):
        raise ValueError(
            f"{text!r} is not a financial year: the second year must follow the first."
        )
    return f"{start}/{expected_end % 100:02d}"


def period_start_year(period):
    return int(normalise_period(period)[:4])


def period_bounds(period):
    start = period_start_year(period)
    return date(start, 4, 1), date(start + 1, 3, 31)


def period_days(period):
    """Days in a financial year: 366 when it contains a 29 February (2015/16 does)."""
    first, last = period_bounds(period)
    return (last - first).days + 1


def parse_periods(text):
    """ "2015/16, 2016-17" -> ["2015/16", "2016/17"] in the order given, no duplicates."""
    periods = []
    for part in str(text).split(","):
        if part.strip():
            period = normalise_period(part)
            if period in periods:
                raise ValueError(f"Period {period} is listed twice.")
            periods.append(period)
    if not periods:
        raise ValueError("At least one period is needed.")
    return periods
