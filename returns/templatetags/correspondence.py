"""{{ message|kind_label }}: one wording for a message's kind on the request page
(returns.case.kind_label)."""

from django import template

from returns import case

register = template.Library()


@register.filter
def kind_label(message):
    return case.kind_label(message)
