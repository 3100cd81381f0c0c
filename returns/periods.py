"""Financial-year periods: "2016/17" runs 1 April 2016 to 31 March 2017.

Forces write them in many ways (docs/file-formats.md, "Periods"): `2016/17`, `2016-17`,
`2016-2017`, `2016/2017`, `FY 16/17`, `FY2016/17`, `Apr 2016 - Mar 2017`, `April 2016 to March
2017`, with hyphens, en or em dashes. A calendar year (`2016`, `Jan-Dec 2016`) is not a
financial year: it is refused with a message saying so and what to ask the force for.
"""

import re
from datetime import date

DASH = r"\s*(?:[/\-\u2010-\u2015\u2212]|to)\s*"
FY_WORDS = r"(?:financial\s+year|fin\.?\s*year|f\.?\s*y\.?|f/y|year)"
YEARS = re.compile(rf"^(\d{{4}}){DASH}(\d{{2}}|\d{{4}})$")
SHORT_YEARS = re.compile(rf"^(\d{{2}}){DASH}(\d{{2}})$")
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
MONTH = r"(?:\d{1,2}(?:st|nd|rd|th)?\s+)?([a-z]{3,9})\.?[\s\-']*(\d{4}|\d{2})"
MONTH_RANGE = re.compile(rf"^{MONTH}{DASH}{MONTH}$")
NUMERIC_DATE = r"(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})"
DATE_RANGE = re.compile(rf"^{NUMERIC_DATE}{DASH}{NUMERIC_DATE}$")
CALENDAR_YEAR = re.compile(
    r"^(?:(?:calendar\s+year|cy|year)\s*)?(\d{4})(?:\s*calendar\s+year|\s*\(calendar\))?$"
)
CALENDAR_MONTHS = re.compile(
    rf"^(?:jan(?:uary)?\.?{DASH}dec(?:ember)?\.?|1\s+jan(?:uary)?{DASH}31\s+dec(?:ember)?)"
    rf"\s*(\d{{4}})$"
)
ASK_FOR = "ask the force for figures for April–March financial years, e.g. 2016/17"


class CalendarYearError(ValueError):
    """A calendar year where a financial year was expected."""


def normalise_period(text):
    """ "2016/17", "FY 16/17", "April 2016 to March 2017"... -> "2016/17"; ValueError (a
    CalendarYearError for a calendar year) for anything else."""
    cleaned = clean(text)
    start = financial_year_start(cleaned, str(text).strip())
    if start is None:
        calendar = calendar_year(cleaned)
        if calendar is not None:
            raise CalendarYearError(
                f"{text!r} is the calendar year {calendar}, not a financial year "
                f"(1 April to 31 March): {ASK_FOR}."
            )
        raise ValueError(f"{text!r} is not a financial year like 2016/17.")
    return f"{start}/{(start + 1) % 100:02d}"


def clean(text):
    text = " ".join(str(text or "").replace("\xa0", " ").split()).lower()
    return text.strip(" :")


def financial_year_start(text, original=None):
    """The first year of the financial year `text` names, None if it names none; ValueError
    when it names two years that do not follow each other."""
    original = text if original is None else original
    bare = re.sub(rf"^{FY_WORDS}\s*:?\s*|\s*{FY_WORDS}$", "", text).strip()
    match = YEARS.match(bare)
    if match:
        return consecutive(original, int(match.group(1)), match.group(2))
    match = SHORT_YEARS.match(bare)
    if match and bare != text:  # "16/17" alone could be an age band: only with "FY"
        return consecutive(original, 2000 + int(match.group(1)), match.group(2))
    return month_range_start(bare, original)


def consecutive(text, start, end):
    if int(end) != (start + 1 if len(end) == 4 else (start + 1) % 100):
        raise ValueError(
            f"{text!r} is not a financial year: the second year must follow the first."
        )
    return start


def month_range_start(text, original):
    """ "Apr 2016 - Mar 2017", "1 April 2016 to 31 March 2017", "01/04/2016 - 31/03/2017"."""
    match = MONTH_RANGE.match(text)
    if match:
        first = MONTHS.get(match.group(1)), full_year(match.group(2))
        last = MONTHS.get(match.group(3)), full_year(match.group(4))
    else:
        match = DATE_RANGE.match(text)
        if not match:
            return None
        first = int(match.group(2)), full_year(match.group(3))
        last = int(match.group(5)), full_year(match.group(6))
    if first[0] == 4 and last[0] == 3 and last[1] == first[1] + 1:
        return first[1]
    if first[0] == 1 and last[0] == 12 and first[1] == last[1]:
        raise CalendarYearError(
            f"{original!r} is the calendar year {first[1]}, not a financial year (1 April to 31 "
            f"March): {ASK_FOR}."
        )
    if None not in (first[0], last[0]):
        raise ValueError(
            f"{original!r} is not a whole financial year (1 April to 31 March): part of a year is "
            f"not comparable with whole years; {ASK_FOR}."
        )
    return None


def full_year(text):
    return int(text) if len(text) == 4 else 2000 + int(text)


def calendar_year(text):
    for pattern in (CALENDAR_YEAR, CALENDAR_MONTHS):
        match = pattern.match(text)
        if match and 1990 <= int(match.group(1)) <= 2100:
            return int(match.group(1))
    return None


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


# A financial year named in running text ("2022/23", "2023-2024", "FY 2016/17"), not part of a
# date ("12/10/2026", "2026-10-12") or of a longer number.
YEAR_IN_TEXT = re.compile(
    r"(?<![\d/.])(\d{4})\s*[/\-\u2010-\u2015]\s*(\d{4}|\d{2})(?!\d|[/.]\d|-\d\d\b)"
)


def periods_named(text):
    """The financial years `text` names, in the form "2022/23", earliest first (an email's words:
    "2022/23 and 2023/24", "2023-2024")."""
    named = set()
    for first, second in YEAR_IN_TEXT.findall(str(text or "")):
        start = int(first)
        follows = start + 1 if len(second) == 4 else (start + 1) % 100
        if 1990 <= start <= 2100 and int(second) == follows:
            named.add(f"{start}/{(start + 1) % 100:02d}")
    return sorted(named)
