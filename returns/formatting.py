"""One way to write the statistics' numbers, on every page and in the press sentence
(docs/statistics.md, "How numbers are written"): thousands separators everywhere ("1,344"), one
decimal place for rates and percentages ("15.5"), a change always signed ("+44.8%", "−3.2%"), and
"—" for a figure that cannot be computed. Templates reach these through the `number`,
`percent` and `signed_percent` filters (returns/templatetags/statistics_page.py)."""

MISSING = "—"
MINUS = "−"  # the minus sign, not a hyphen


def number(value):
    """1344 -> "1,344"; 15.5 -> "15.5" (rates and a day's figures keep their one decimal)."""
    if value is None:
        return MISSING
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.1f}"


def percent(value):
    """A share: 12.0 -> "12.0%"."""
    return MISSING if value is None else f"{value:,.1f}%"


def signed_percent(value):
    """A change: 44.8 -> "+44.8%", -3.2 -> "−3.2%", 0 -> "0.0%"."""
    if value is None:
        return MISSING
    sign = "+" if value > 0 else MINUS if value < 0 else ""
    return f"{sign}{abs(value):,.1f}%"


def counted(count, noun, plural=None):
    """3 -> "3 forces", 1 -> "1 force", 1344 -> "1,344 figures"."""
    return f"{number(count)} {noun if count == 1 else plural or noun + 's'}"
