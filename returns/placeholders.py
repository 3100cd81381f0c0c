"""Placeholders in staff-written text: the request wording and the email templates.

Staff write `{force}`, `{periods}` ... and each is replaced by a ready-made string. That is all:
no attribute access (`{force.name}`), indexing, format specs or conversions (`{force!r}`), and
no template language, so the text can only ever show the values listed here, never a model's
other fields (nor, through its relations, anyone's password hash). A brace itself is written
twice: `{{` gives `{` and `}}` gives `}`; but `{{ name }}`, `{% ... %}` and `{# ... #}`, the
template syntax this text used to be written in, are refused rather than printed as they stand.

Pure: `fill` takes the values as strings (returns.messaging builds them).
"""

from __future__ import annotations

import re
from datetime import date

PLACEHOLDERS = {
    "force": "the force's name in the directory, e.g. Northumbria Police",
    "campaign": "the campaign's title",
    "periods": "the periods asked for, e.g. 2015/16, 2016/17 and 2017/18",
    "act": "the Act the request is made under, e.g. the Freedom of Information Act 2000",
    "commissioner": "who hears complaints, e.g. the Information Commissioner",
    "reference": "the force's reference for the request (empty when it gave none)",
    "reference_suffix": 'the force\'s reference as " (your reference ABC/123)", '
    "or nothing when it gave none",
    "received_on": "the date the force received the request (or its clarification), "
    "e.g. 5 January 2015",
    "due_date": "the date the reply is due, e.g. 5 January 2015",
    "days_overdue": "working days past the due date, e.g. 5",
    "review_requested_on": "the date the internal review was asked for",
    "review_due_date": "the date the internal review is due",
    "on_date": "the date of the message",
    "chasers_sent": 'the chasers really sent, as " Reminders were sent on 3 February 2026 and '
    '16 February 2026.", or nothing when none was sent',
    "wording": "the campaign's request wording, filled in for the force",
}
WORDING = ("force", "campaign", "periods", "act")
EMAIL = tuple(PLACEHOLDERS)

MONTHS = (
    "January February March April May June July August September October November December"
).split()

# In order: an escaped brace, a placeholder (or something in braces posing as one), a lone brace.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Django's template syntax, which this text used to be ({{ force.name }}, {{ due_date|date }},
# {% if %}, {# #}): refused with a pointer to placeholders, rather than taken as escaped braces.
_TEMPLATE_SYNTAX = re.compile(
    r"\{\{\s*[A-Za-z_][\w.]*\s*(\|[^{}]*)?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL
)


class PlaceholderError(ValueError):
    """Text that uses something other than the allowed placeholders; the message says what."""


def placeholders_in(text: str) -> list[str]:
    """The placeholder names `text` uses, in order; PlaceholderError for anything else in braces."""
    names, problems = _scan(text)
    if problems:
        raise PlaceholderError(" ".join(problems))
    return names


def validate(text: str, allowed) -> None:
    """PlaceholderError naming whatever in `text` is not one of the `allowed` placeholders."""
    names, problems = _scan(text)
    unknown = [name for name in dict.fromkeys(names) if name not in allowed]
    if unknown:
        listed = ", ".join("{" + name + "}" for name in unknown)
        problems.append(f"Unknown placeholder{'s' if len(unknown) > 1 else ''}: {listed}.")
    if problems:
        raise PlaceholderError(" ".join(problems) + " " + _allowed_sentence(allowed))


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with each placeholder replaced by its value; only names in `values` may be used."""
    validate(text, values)
    not_text = [name for name, value in values.items() if not isinstance(value, str)]
    if not_text:
        raise TypeError(f"Placeholder values must be strings: {', '.join(not_text)}")

    def replace(match):
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        return values[match.group(1)]

    return _TOKEN.sub(replace, text)


def help_text(allowed, lead: str = "") -> str:
    """For a form field: the placeholders that may be used, each with what it stands for."""
    listed = "; ".join(f"{{{name}}}: {PLACEHOLDERS[name]}" for name in allowed)
    return (
        f"{lead}Placeholders (a name in braces, filled in for each force): {listed}. "
        "Nothing else may appear in braces; a brace itself is written twice: {{ or }}."
    )


def format_date(day: date | None) -> str:
    """5 January 2015 (en-GB, as in a letter); empty when there is no date."""
    if day is None:
        return ""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _scan(text: str) -> tuple[list[str], list[str]]:
    names, problems = [], []
    for match in _TEMPLATE_SYNTAX.finditer(text):
        problems.append(
            f"{_quote(match.group(0))} is template syntax, which is not used here: write a "
            "placeholder as a name in single braces, e.g. {force}."
        )
    if problems:
        return names, problems
    for match in _TOKEN.finditer(text):
        token, inside = match.group(0), match.group(1)
        if token in ("{{", "}}"):
            continue
        if inside is None:
            problems.append(f'A lone "{token}" is not a placeholder: write a brace itself twice.')
        elif _NAME.fullmatch(inside):
            names.append(inside)
        else:
            problems.append(
                f"{_quote(token)} is not a placeholder: a placeholder is just a name in braces, "
                "e.g. {force}, with no dots, spaces, brackets, numbers or format marks."
            )
    return names, problems


def _allowed_sentence(allowed) -> str:
    listed = ", ".join("{" + name + "}" for name in allowed)
    return f"Allowed here: {listed}."


def _quote(snippet: str) -> str:
    snippet = " ".join(snippet.split())
    return snippet if len(snippet) <= 60 else snippet[:57] + "..."
