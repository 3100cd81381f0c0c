"""Filters of the statistics page."""

from django import template

register = template.Library()


@register.filter
def item(mapping, key):
    """{{ row|item:breakdown.code }}: a dict's value under a key held in a variable."""
    return mapping.get(key)
