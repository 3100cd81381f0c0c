"""{% verify_panel foi_request %}: the request's figures beside its reply file, for the verifier.

For the FOI request change page, outside the change form (the panel posts its own form):
    {% load verification %}{% verify_panel original %}
"""

from django import template

from returns import roles
from returns.models import FIGURE_DISPLAY_ORDER, Correspondence
from returns.verification import REFUSAL_SINGULAR, authors_of, refusal

register = template.Library()


@register.inclusion_tag("admin/returns/_verify_panel.html", takes_context=True)
def verify_panel(context, foi_request):
    user = context["request"].user
    figures = list(
        foi_request.figures.select_related("entered_by", "verified_by")
        .prefetch_related("warnings")
        .order_by(*FIGURE_DISPLAY_ORDER)
    )
    unverified = [figure for figure in figures if not figure.is_verified]
    authors = authors_of(unverified)
    rows = []
    for figure in figures:
        reason = None
        if not figure.is_verified:
            reason = refusal(user.pk, figure.entered_by_id, authors[figure.pk])
        open_warnings = [w for w in figure.warnings.all() if w.dismissed_at is None]
        rows.append(
            {
                "figure": figure,
                "refusal": REFUSAL_SINGULAR[reason] if reason else "",
                "open_warnings": open_warnings,
            }
        )
    replies = foi_request.correspondence.filter(direction=Correspondence.Direction.IN).exclude(
        attachment=""
    )
    return {
        "foi_request": foi_request,
        "rows": rows,
        "replies": replies,
        "may_verify": user.has_perm(roles.VERIFY_FIGURES),
        "may_dismiss": user.has_perm(roles.DISMISS_WARNINGS),
        "verifiable": [
            r["figure"] for r in rows if not r["figure"].is_verified and not r["refusal"]
        ],
        "csrf_token": context.get("csrf_token"),
    }
