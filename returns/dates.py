"""A date as staff read it: en-GB, "23 Nov 2026" (the DATE_FORMAT of config/formats/en_GB)."""

from datetime import date

from django.utils.formats import date_format


def en_gb(day: date | None, missing: str = "—") -> str:
    return date_format(day, "j M Y") if day else missing
