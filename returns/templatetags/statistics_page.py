"""Filters of the statistics page: one way to write its numbers (returns/formatting.py)."""

from django import template

from returns import formatting

register = template.Library()


@register.filter
def item(mapping, key):
    """{{ row|item:breakdown.code }}: a dict's value under a key held in a variable."""
    return mapping.get(key)


@register.filter
def number(value):
    """{{ total|number }}: "5,653", "15.5", or "—" when it cannot be computed."""
    return formatting.number(value)


@register.filter
def percent(value):
    """{{ share|percent }}: "12.0%"."""
    return formatting.percent(value)


@register.filter
def signed_percent(value):
    """{{ change|signed_percent }}: "+44.8%", "−3.2%"."""
    return formatting.signed_percent(value)
