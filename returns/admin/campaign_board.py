"""The board on the campaign's page: its rows (returns/board.py), filters and the buttons for
the next step, each shown only to those whose role may take it (returns/roles.py)."""

from django.contrib import admin
from django.utils import timezone

from forces.models import Force
from returns import board, roles
from returns.models import Figure, FOIRequest


def board_context(request, campaign, campaign_admin) -> dict:
    today = timezone.localdate()
    rows = board.board_rows(campaign, today)
    nation = _chosen(request.GET.get("nation"), Force.Nation.values)
    stage = _chosen(request.GET.get("stage"), board.BoardStage.values)
    in_nation = board.filter_rows(rows, nation=nation)
    unsent = sum(1 for row in rows if row.request.status == FOIRequest.Status.NOT_SENT)
    figure_admin = admin.site._registry[Figure]
    return {
        "today": today,
        "rows": board.filter_rows(in_nation, stage=stage),
        "total": len(in_nation),
        "counts": board.stage_counts(in_nation),
        "stage": stage,
        "nation": nation,
        "stages": board.BoardStage.choices,
        "nations": [
            (value, label)
            for value, label in Force.Nation.choices
            if any(row.request.force.nation == value for row in rows)
        ],
        "unsent": unsent,
        "may_send_round": unsent > 0 and campaign_admin.has_change_permission(request, campaign),
        "may_chase": request.user.has_perm(roles.CHASE_FORCES),
        # What the table import itself checks (returns/admin/figures.py import_table_view).
        "may_import": figure_admin.has_import_permission(request)
        and figure_admin.has_change_permission(request),
        "may_verify": request.user.has_perm(roles.VERIFY_FIGURES),
    }


def _chosen(value, allowed):
    return value if value in allowed else None
