"""What one cell of a returns file means: pure functions, no database.

Decisions (docs/file-formats.md, "The returns file" and "Markers"):
- value: a whole number >= 0. Surrounding spaces and thousands separators ("1,234") are
  tolerated, and so is "12.0" (Excel writes whole numbers that way); "12.5" is not.
- Markers, one vocabulary for the long layout and a force's own table (MARKERS): "*", "<5",
  "<=5", "≤5", "1-4", "5 or fewer" = suppressed (the text is kept in raw_value); "-", "nil",
  "none" = a reported 0 (unless the note says otherwise); "N/A", "not applicable" =
  not_applicable; "n/k", "not held", "not recorded" = not held. The text is kept in raw_value.
  `markers` (from the import's preview) may give any marker text another meaning.
- An empty value needs a note: "not held" (or any other note) = not held; a note saying the
  force would not give it ("not provided", "refused", "withheld", "exempt", "s.12") = not
  provided. An empty value with no note is an error: a blank is never taken as zero or missing,
  unless the import says so (`markers={EMPTY: "reported"}`, "empty means 0").
- measure: empty = the campaign's measure; anything else must be the campaign's measure.
- breakdown: "" = the headline total; "Victim age" is written victim_age; the other names of
  each breakdown are in its entry of returns/breakdowns.py.
- category: empty for the headline total; "Total" inside a breakdown is the headline total too.
  Otherwise the breakdown's entry stores it (victim ages as "0".."17", bands such as "0-5" and
  "unknown"; ages of 18 or over refused; known offence types in one spelling); a breakdown
  without an entry keeps it as written.
"""

import re
from dataclasses import dataclass

from returns import breakdowns

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

# --- Markers: the words and signs forces write instead of a number ------------------------------

REPORTED, SUPPRESSED = "reported", "suppressed"
NOT_HELD, NOT_PROVIDED, NOT_APPLICABLE = "not_held", "not_provided", "not_applicable"
# What a marker may mean, as the preview offers it; "reported" stores the value 0.
MEANINGS = {
    SUPPRESSED: "suppressed (the force's text is kept)",
    REPORTED: "0 (a reported zero)",
    NOT_HELD: "not held",
    NOT_PROVIDED: "not provided",
    NOT_APPLICABLE: "not applicable",
}
EMPTY = ""  # the marker text of an empty cell: `markers={EMPTY: REPORTED}` is "empty means 0"
MARKER_WORDS = {
    **dict.fromkeys(("-", "–", "—", "nil", "none"), REPORTED),
    **dict.fromkeys(("n/a", "na", "n.a.", "n / a", "not applicable"), NOT_APPLICABLE),
    **dict.fromkeys(
        ("n/k", "nk", "not held", "not recorded", "not known", "not available", "no data"),
        NOT_HELD,
    ),
    **dict.fromkeys(("not provided", "withheld", "refused", "exempt"), NOT_PROVIDED),
    **dict.fromkeys(("suppressed", "redacted", "[c]"), SUPPRESSED),
}
# Suppressed: "*", "<5", "< 10", "<=5", "≤5", "less than 5", "5 or fewer", "1-4".
SUPPRESSED_SIGNS = re.compile(
    r"^(\*+|(<|<=|=<|≤|less than|fewer than|under)\s*\d+"
    r"|\d+\s*(or|and)\s*(fewer|less|under|below))$"
)
RANGE = re.compile(r"^(\d+)\s*[-–—]\s*(\d+)$|^between (\d+) and (\d+)$")
# The defaults the preview lists, with an example of each suppressed form.
MARKERS = (
    *((text, SUPPRESSED) for text in ("*", "<5", "<=5", "≤5", "1-4", "5 or fewer")),
    *MARKER_WORDS.items(),
)
# A note that says a "-" or "nil" is something other than a zero (docs/file-formats.md).
NOTE_MEANINGS = (
    (NOT_PROVIDED, NOT_PROVIDED_WORDS),
    (NOT_APPLICABLE, ("not applicable", "n/a")),
    (NOT_HELD, ("not held", "not recorded", "not known", "not available", "no data", "n/k")),
    (SUPPRESSED, ("suppressed", "fewer than", "less than", "redacted")),
)


@dataclass(frozen=True)
class Value:
    status: str
    value: int | None = None
    raw_value: str = ""


@dataclass(frozen=True)
class Meaning:
    status: str  # a Figure status; "reported" means the value 0
    label: str  # how the preview says it will be stored


def is_blank(cell):
    return cell is None or (isinstance(cell, str) and not cell.strip())


def cell_text(cell):
    """A cell as stripped text; whole floats from Excel lose their ".0"."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).replace("\xa0", " ").split())


def marker_key(cell):
    """How a marker is looked up: "N/A " and "n/a" are one marker."""
    return cell_text(cell).lower()


def marker_meaning(cell, markers=None):
    """The Meaning of a non-numeric cell ("<5", "N/A", "-"), the import's own `markers`
    first; None for a number, or a text that is no known marker."""
    key = marker_key(cell)
    if markers and key in markers and not WHOLE.match(key):
        return _meaning(markers[key])
    if not key or WHOLE.match(key) or NEGATIVE.match(key):
        return None
    if key in MARKER_WORDS:
        return _meaning(MARKER_WORDS[key])
    if SUPPRESSED_SIGNS.match(key) or _is_range(key):
        return _meaning(SUPPRESSED)
    return None


def _meaning(status):
    if status not in MEANINGS:
        raise ValueError(f"{status!r} is not a meaning a marker can have.")
    return Meaning(status, MEANINGS[status])


def _is_range(key):
    """ "1-4": the force gave a range instead of the number. "4-1" is no range."""
    match = RANGE.match(key)
    if not match:
        return False
    low, high = (int(group) for group in match.groups() if group is not None)
    return low < high


def parse_value(cell, note="", markers=None):
    """A value cell (and its row's note) -> Value; ValueError with the reason otherwise.

    `markers` ({marker_key: status}) gives markers, the empty cell (EMPTY) included, the
    meaning the caseworker chose in the preview instead of the default one.
    """
    if isinstance(cell, bool):
        raise ValueError(f"{cell!r} is not a number.")
    text = cell_text(cell)
    if not text:
        if markers and EMPTY in markers:
            return _marker_value(_meaning(markers[EMPTY]).status, text, note, chosen=True)
        return _empty_value(note)
    if WHOLE.match(text):
        return Value(REPORTED, int(text.split(".")[0].replace(",", "").lstrip("+")))
    if NEGATIVE.match(text):
        raise ValueError(f"{text!r} is negative: a count cannot be below 0.")
    meaning = marker_meaning(text, markers)
    if meaning is not None:
        chosen = bool(markers) and marker_key(text) in markers
        return _marker_value(meaning.status, text, note, chosen)
    if DECIMAL.match(text):
        raise ValueError(f"{text!r} is not a whole number.")
    raise ValueError(
        f"{text!r} is not a number. Write a whole number, '<5' or '*' for a suppressed "
        "figure, '-' for none, 'N/A' for not applicable, or leave it empty and say why in the "
        "note (e.g. 'not held')."
    )


def _marker_value(status, text, note, chosen):
    """The Value of a marker; a default "-" or "nil" is what the force's note says it is."""
    if status == REPORTED and not chosen:
        status = _note_meaning(note) or REPORTED
    return Value(status, 0 if status == REPORTED else None, text)


def _note_meaning(note):
    note = cell_text(note).lower()
    for status, words in NOTE_MEANINGS:
        if any(word in note for word in words):
            return status
    return None


def _empty_value(note):
    note = cell_text(note).lower()
    if not note:
        raise ValueError(
            "is empty. Write a whole number (0 included), '<5' or '*' for a suppressed "
            "figure, or say why there is none in the note (e.g. 'not held')."
        )
    if any(word in note for word in NOT_PROVIDED_WORDS):
        return Value(NOT_PROVIDED)
    return Value(NOT_HELD)


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
