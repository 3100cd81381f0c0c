"""Caveats in the words around a table: pure functions, no database.

Forces put what qualifies their figures in titles, notes and footnotes rather than in the
cells: "year to date", "April to December 2017", "provisional", "data extracted on 3/11/17".
`find(texts)` picks them out (docs/file-formats.md, "Caveats"); the import flags every figure
they cover, and the statistics leave a partial year out of per-day and change figures
(docs/statistics.md, "Partial years and caveats").

Kinds, most serious first (a figure keeps the most serious one, with every text):
- partial_year: "year to date", "YTD", "to date", "part year", "partial year", "incomplete",
  a span of months shorter than a year ("Apr-Dec", "April 2017 to December 2017",
  "01/04/2017 - 30/11/2017"), quarters short of four ("Q1-Q3");
- provisional: "provisional", "subject to change/revision", "unvalidated";
- extracted_on: "data extracted on ...", "extracted ...", "correct as at/of <date>",
  "as at <date>".
"""

import datetime
import re
from dataclasses import dataclass
from functools import lru_cache

from returns.periods import MONTHS, normalise_period

PARTIAL_YEAR, PROVISIONAL, EXTRACTED_ON = "partial_year", "provisional", "extracted_on"
KINDS = (PARTIAL_YEAR, PROVISIONAL, EXTRACTED_ON)  # most serious first
LABELS = {
    PARTIAL_YEAR: "Partial year",
    PROVISIONAL: "Provisional",
    EXTRACTED_ON: "Data extraction date",
}
TEXT_LENGTH = 200  # the longest text kept from one line

MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
UNTIL = r"\s*(?:-|–|—|to|until|till|through|thru|and)\s*"
# "Apr-Dec", "April 2017 to December 2017", "1st April 2017 - 31 Dec 2017".
MONTH_SPAN = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+)?(?P<m1>{MONTH})\.?\s*(?P<y1>\d{{4}}|\d{{2}}(?!\d))?"
    rf"{UNTIL}"
    rf"(?:(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+)?(?P<m2>{MONTH})\b\.?\s*(?P<y2>\d{{4}}|\d{{2}}(?!\d))?",
)
DATE = r"(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})"
DATE_SPAN = re.compile(rf"\b{DATE}{UNTIL}{DATE}\b")
QUARTERS = re.compile(r"\bq([1-4])(?:\s*(?:-|–|—|to|&|and)\s*q([1-4]))?\b")
PARTIAL_WORDS = re.compile(
    r"\b(year[\s-]to[\s-]date|ytd|part[\s-]year|partial(?:\s+year)?|incomplete(?:\s+year)?)\b"
    r"|(?<!up )(?<!up-)\bto[\s-]date\b"
)
PROVISIONAL_WORDS = re.compile(
    r"\b(provisional|subject to (?:change|revision|amendment|validation)|unvalidated|"
    r"not (?:yet )?validated)\b"
)
DATE_LIKE = rf"(?:\d|{MONTH}\b)"
EXTRACTED_WORDS = re.compile(
    rf"\b(extracted|extraction|(?:correct|accurate) as (?:at|of)|as (?:at|of)\s+{DATE_LIKE})"
)


@dataclass(frozen=True)
class Caveat:
    kind: str  # one of KINDS
    text: str  # the line it was found in, as written (up to TEXT_LENGTH characters)
    # The one financial year the words name ("2017/18 year to date", "Apr-Dec 2017"): the
    # caveat covers that period's figures only. "" when they name none or several: every one.
    period: str = ""

    @property
    def label(self):
        return LABELS[self.kind]

    def covers(self, period):
        return not self.period or self.period == period


def find(texts):
    """Every caveat in `texts` (titles, notes, footnotes, a period's header): [Caveat], in the
    order found, each once. Each clause of a line is read on its own, so that in "2016/17 and
    2017/18 (2017/18 to date)" the partial year is 2017/18 alone."""
    found = []
    for text in texts:
        for caveat in caveats_in_line(" ".join(str(text or "").replace("\xa0", " ").split())):
            if caveat not in found:
                found.append(caveat)
    return found


@lru_cache(maxsize=4096)  # a long file repeats its notes on many rows
def caveats_in_line(line):
    found = []
    named_in_line = periods_in(line)
    for clause in CLAUSES.split(line):
        for kind in kinds_in(clause):
            named = periods_in(clause) or named_in_line
            found.append(Caveat(kind, line[:TEXT_LENGTH], named[0] if len(named) == 1 else ""))
    return tuple(found)


CLAUSES = re.compile(r"[;()\[\]]|\.\s|:\s")
FINANCIAL_YEAR = re.compile(r"(?<![\d/])(\d{4})\s*[/\-–]\s*(\d{4}|\d{2})(?![\d/])")


def periods_in(text):
    """The financial years a text names, written ("2017/18") or as a span of months or dates
    starting in one ("Apr-Dec 2017" is in 2017/18), in order, each once."""
    found = []
    for match in FINANCIAL_YEAR.finditer(text):
        try:
            found.append(normalise_period(match.group(0)))
        except ValueError:
            continue
    lowered = text.lower()
    for match in MONTH_SPAN.finditer(lowered):
        found.append(_period_of_span(match))
    for match in DATE_SPAN.finditer(lowered):
        day, month, year = match.groups()[:3]
        found.append(_period_starting(int(month), _year(year)))
    return [period for period in dict.fromkeys(found) if period]


def _period_of_span(match):
    first, last = MONTHS[match["m1"]], MONTHS[match["m2"]]
    year = _year(match["y1"])
    if year is None and match["y2"]:
        year = _year(match["y2"]) - (0 if first <= last else 1)
    return _period_starting(first, year)


def _period_starting(month, year):
    """The financial year that a month of a year falls in: March 2018 is in 2017/18."""
    if year is None or not 1 <= month <= 12:
        return ""
    start = year if month >= 4 else year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def kinds_in(line):
    lowered = line.lower()
    kinds = []
    if PARTIAL_WORDS.search(lowered) or short_span(lowered) or short_quarters(lowered):
        kinds.append(PARTIAL_YEAR)
    if PROVISIONAL_WORDS.search(lowered):
        kinds.append(PROVISIONAL)
    if EXTRACTED_WORDS.search(lowered):
        kinds.append(EXTRACTED_ON)
    return kinds


def most_serious(caveats):
    """The kind a figure is flagged with, of several caveats: "" for none."""
    kinds = {caveat.kind for caveat in caveats}
    return next((kind for kind in KINDS if kind in kinds), "")


def joined_text(caveats, limit=500):
    """The texts of several caveats as one note-like line (each text once)."""
    texts = list(dict.fromkeys(caveat.text for caveat in caveats))
    return " | ".join(texts)[:limit]


# --- Spans shorter than a year ------------------------------------------------------------------


def short_span(lowered):
    """True when the line names a span of months or dates shorter than a year."""
    for match in MONTH_SPAN.finditer(lowered):
        if _months_covered(match) < 12:
            return True
    for match in DATE_SPAN.finditer(lowered):
        days = _days_covered(match.groups())
        if days is not None and days < 365:
            return True
    return False


def _months_covered(match):
    first, last = MONTHS[match["m1"]], MONTHS[match["m2"]]
    y1, y2 = _year(match["y1"]), _year(match["y2"])
    if y1 is not None and y2 is not None:
        if match["d1"] and match["d2"]:
            days = _days_between((int(match["d1"]), first, y1), (int(match["d2"]), last, y2))
            if days is not None:
                return 12 if days >= 365 else min(11, days // 28)
        return (y2 * 12 + last) - (y1 * 12 + first) + 1
    return (last - first) % 12 + 1


def _days_covered(groups):
    d1, m1, y1, d2, m2, y2 = groups
    return _days_between((int(d1), int(m1), _year(y1)), (int(d2), int(m2), _year(y2)))


def _days_between(start, end):
    """Days from `start` to `end` inclusive ((day, month, year) each); None if not dates."""
    try:
        first = datetime.date(start[2], start[1], start[0])
        last = datetime.date(end[2], end[1], end[0])
    except (TypeError, ValueError):
        return None
    return (last - first).days + 1 if last >= first else None


def _year(text):
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def short_quarters(lowered):
    """ "Q1-Q3", "Q2": fewer than four quarters of a year."""
    for match in QUARTERS.finditer(lowered):
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last - first + 1 < 4:
            return True
    return False
