"""Four-eyes verification of figures: a second person checks each one against the force's reply.

The rule, everywhere (admin action, request page, `verify_returns`):
- A figure's *authors* are its recorded enterer (`entered_by`), the uploader of the import it
  came from, and every user who created or changed it, read from its history (each history row
  that left it unverified; the verification rows themselves are not authorship). Editing a
  checked value after verification sends the figure back to unverified (`Figure.save`), so an
  editor always shows up as an author of the value now there.
- An author may never verify the figure.
- A figure with no recorded enterer (e.g. imported on the command line without --user) may be
  verified by nobody until someone is recorded as its enterer: a caseworker who edits it in the
  admin becomes its enterer, or the file is re-imported with --user. Otherwise an unattributed
  entry could be verified by the very person who made it.
"""

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from returns.models import Campaign, Figure, PlausibilityWarning

OWN = "own"
UNATTRIBUTED = "unattributed"

REFUSAL_REASONS = {
    OWN: "you entered, imported or changed them",
    UNATTRIBUTED: "nobody is recorded as having entered them",
}
REFUSAL_SINGULAR = {
    OWN: "you entered, imported or changed it",
    UNATTRIBUTED: "nobody is recorded as having entered it",
}


def refusal(user_id, entered_by_id, author_ids):
    """Why `user_id` may not verify a figure (OWN / UNATTRIBUTED), or None if they may."""
    if entered_by_id is None:
        return UNATTRIBUTED
    if user_id in author_ids or user_id == entered_by_id:
        return OWN
    return None


def authors_of(figures):
    """{figure id: set of user ids who entered, imported or changed it}, in two queries."""
    figures = list(figures)
    authors = {figure.pk: {figure.entered_by_id} - {None} for figure in figures}
    uploaders = dict(
        Figure.objects.filter(pk__in=authors, import_batch__uploaded_by__isnull=False).values_list(
            "pk", "import_batch__uploaded_by"
        )
    )
    for figure_id, user_id in uploaders.items():
        authors[figure_id].add(user_id)
    changes = (
        Figure.history.filter(id__in=authors, verified_at__isnull=True, history_user__isnull=False)
        .values_list("id", "history_user_id")
        .distinct()
    )
    for figure_id, user_id in changes:
        authors[figure_id].add(user_id)
    return authors


def refusal_for(user, figure):
    """Why `user` may not verify `figure` (OWN / UNATTRIBUTED), or None if they may."""
    return refusal(user.pk, figure.entered_by_id, authors_of([figure])[figure.pk])


def can_verify(user, figure):
    """May `user` verify `figure` under the four-eyes rule (permission checked by callers)."""
    return refusal_for(user, figure) is None


def verify_figures(user, figures):
    """Verify each unverified figure `user` may verify.

    Returns (verified, refused): lists of figures; each refused figure carries `.refusal`
    (OWN or UNATTRIBUTED). Figures already verified are left as they are, in neither list.
    History sees the change (one bulk write with history rows by `user`), and each campaign
    touched is told its data changed, once.
    """
    pending = [figure for figure in figures if not figure.is_verified]
    authors = authors_of(pending)
    now = timezone.now()
    verified, refused = [], []
    for figure in pending:
        reason = refusal(user.pk, figure.entered_by_id, authors[figure.pk])
        if reason:
            figure.refusal = reason
            refused.append(figure)
        else:
            figure.verified_by, figure.verified_at = user, now
            verified.append(figure)
    with transaction.atomic():
        bulk_update_with_history(
            verified,
            Figure,
            ["verified_by", "verified_at"],
            batch_size=1000,
            default_user=user,
            default_change_reason="Verified",
            default_date=now,
        )
        touched = Figure.objects.filter(pk__in=[figure.pk for figure in verified])
        for campaign in Campaign.objects.filter(requests__figures__in=touched).distinct():
            campaign.mark_data_changed()
    return verified, refused


def summary(verified, refused):
    """'3 verified; 2 left for another person: you entered, imported or changed them'."""
    parts = [f"{len(verified)} verified"]
    for reason, words in REFUSAL_REASONS.items():
        count = sum(1 for figure in refused if figure.refusal == reason)
        if count:
            parts.append(f"{count} left for another person: {words}")
    return "; ".join(parts)


def dismiss_warning(user, warning, reason):
    """Dismiss a plausibility warning with a reason. Like verifying: never by its figure's authors.

    Raises ValueError (no reason / too long) or PermissionError (four-eyes rule).
    """
    reason = (reason or "").strip()
    limit = PlausibilityWarning._meta.get_field("dismissal_reason").max_length
    if not reason:
        raise ValueError("Give a reason for dismissing the warning.")
    if len(reason) > limit:
        raise ValueError(f"Keep the reason to {limit} characters.")
    why_not = refusal_for(user, warning.figure)
    if why_not:
        raise PermissionError(
            f"You may not dismiss this warning on {warning.figure}: {REFUSAL_SINGULAR[why_not]}."
        )
    warning.dismissed_by = user
    warning.dismissed_at = timezone.now()
    warning.dismissal_reason = reason
    warning.save(update_fields=["dismissed_by", "dismissed_at", "dismissal_reason"])
    return warning
