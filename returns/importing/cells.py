"""What one cell of a returns file means: pure functions, no database.

Decisions (docs/file-formats.md, "The returns file"):
- value: a whole number >= 0. Surrounding spaces and thousands separators ("1,234") are
  tolerated, and so is "12.0" (Excel writes whole numbers that way); "12.5" is not.
- "<5", "< 10", "*" = suppressed: the text is kept in raw_value.
- An empty value needs a note: "not held" (or any other note) = not held; a note saying the
  force would not give it ("not provided", "refused", "withheld", "exempt", "s.12") = not
  provided. An empty value with no note is an error: a blank is never taken as zero or missing.
- measure: empty = the campaign's measure; anything else must be the campaign's measure.
- breakdown: "" = the headline total; "Victim age" is written victim_age; the other names of
  each breakdown are in its entry of returns/breakdowns.py.
- category: empty for the headline total; "Total" inside a breakdown is the headline total too.
  Otherwise the breakdown's entry stores it (victim ages as "0".."17" and "unknown", "Under 1"
  being 0; known offence types in one spelling); a breakdown without an entry keeps it as written.
"""

import re
from dataclasses import dataclass

from returns import breakdowns

SUPPRESSED = re.compile(r"^(\*+|<\s*\d+)$")
WHOLE = re.compile(r"^\+?(\d{1,3}(,\d{3})+|\d+)(\.0+)?$")
NEGATIVE = re.compile(r"^[-−–]\s*\d[\d,]*(\.\d+)?$")
DECIMAL = re.compile(r"^\+?\d[\d,]*\.\d+$")
NOT_PROVIDED_WORDS = ("not provided", "refus", "withheld", "exempt", "s.12", "section 12")
# The headline total's labels, rows or columns (docs/file-formats.md, "Totals"); case, spaces
# and a trailing colon aside. "Total number of ..." / "Total no. of ..." too, whatever follows.
TOTAL_WORDS = {
    "total",
    "totals",
    "grand total",
    "grand totals",
    "sum",
    "all",
    "overall",
    "overall total",
    "total offences",
    "total crimes",
    "total recorded",
    "all offences",
    "all crimes",
    "all ages",
    "all victims",
}
TOTAL_PREFIXES = re.compile(
    r"^((total|grand total|sum) (number|no\.?|count) of |all( [a-z-]+)* (offences|crimes)$)"
)
HEADLINE_NAMES = {"total", "headline"}


@dataclass(frozen=True)
class Value:
    status: str
    value: int | None = None
    raw_value: str = ""


def is_blank(cell):
    return cell is None or (isinstance(cell, str) and not cell.strip())


def cell_text(cell):
    """A cell as stripped text; whole floats from Excel lose their ".0"."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).replace("\xa0", " ").split())


def parse_value(cell, note=""):
    """A value cell (and its row's note) -> Value; ValueError with the reason otherwise."""
    if isinstance(cell, bool):
        raise ValueError(f"{cell!r} is not a number.")
    text = cell_text(cell)
    if not text:
        return _empty_value(note)
    if SUPPRESSED.match(text):
        return Value("suppressed", None, text)
    if WHOLE.match(text):
        return Value("reported", int(text.split(".")[0].replace(",", "").lstrip("+")))
    if NEGATIVE.match(text):
        raise ValueError(f"{text!r} is negative: a count cannot be below 0.")
    if DECIMAL.match(text):
        raise ValueError(f"{text!r} is not a whole number.")
    raise ValueError(
        f"{text!r} is not a number. Write a whole number, '<5' or '*' for a suppressed "
        "figure, or leave it empty and say why in the note (e.g. 'not held')."
    )


def _empty_value(note):
    note = cell_text(note).lower()
    if not note:
        raise ValueError(
            "is empty. Write a whole number (0 included), '<5' or '*' for a suppressed "
            "figure, or say why there is none in the note (e.g. 'not held')."
        )
    if any(word in note for word in NOT_PROVIDED_WORDS):
        return Value("not_provided")
    return Value("not_held")


def parse_breakdown(cell):
    code = re.sub(r"[^a-z0-9]+", "_", cell_text(cell).lower()).strip("_")
    return "" if code in HEADLINE_NAMES else breakdowns.code_for(code)


def is_total_label(cell):
    text = cell_text(cell).lower().rstrip(":").strip()
    return text in TOTAL_WORDS or bool(TOTAL_PREFIXES.match(text))


def parse_category(breakdown, cell):
    """(breakdown, category) as stored; a "Total" category makes it the headline total."""
    text = cell_text(cell)
    if not breakdown:
        if text and not is_total_label(text):
            raise ValueError(
                f"{text!r} has no breakdown: leave category empty for the headline total, "
                "or fill in the breakdown (e.g. victim_age)."
            )
        return "", ""
    if not text:
        raise ValueError(f"is empty: which {breakdown.replace('_', ' ')} is this figure for?")
    if is_total_label(text):
        return "", ""
    return breakdown, breakdowns.normalise_category(breakdown, text)


def parse_measure(cell, campaign_measure):
    text = cell_text(cell).lower()
    if text and text != campaign_measure:
        raise ValueError(
            f"{cell_text(cell)!r} is not this campaign's measure ({campaign_measure}); "
            "leave it empty or write the campaign's measure."
        )
    return campaign_measure
