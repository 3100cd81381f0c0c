"""Four-eyes verification of figures: a second person checks each one against the force's reply.

The rule, everywhere (admin action, request page, `verify_returns`):
- A figure's *authors* are its recorded enterer (`entered_by`), the uploader of the import it
  came from, and every user who created or changed it, read from its history (each history row
  that left it unverified; the verification rows themselves are not authorship). Editing a
  checked value after verification sends the figure back to unverified (`Figure.save`), so an
  editor always shows up as an author of the value now there.
- An author may never verify the figure.
- Every admin path records its user, so a figure has no recorded enterer only when it was
  imported on the command line without --user (a trusted, shell-access path). Such a figure may
  be verified by anyone who did not change it; the summary counts them, so the verifier knows
  the four-eyes check could not name who entered them.
"""

from django.db import transaction
from django.utils import timezone

from returns import history
from returns.models import Campaign, Figure, PlausibilityWarning

OWN = "own"
CHANGED_WHILE_CHECKING = "changed"

REFUSAL_REASONS = {
    OWN: "left for another person: you entered, imported or changed them",
    CHANGED_WHILE_CHECKING: "not verified: changed by someone while you checked, so look again",
}
REFUSAL_SINGULAR = {
    OWN: "you entered, imported or changed it",
    CHANGED_WHILE_CHECKING: "it changed while you checked it",
}


def refusal(user_id, entered_by_id, author_ids):
    """Why `user_id` may not verify a figure (OWN), or None if they may."""
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
    """Why `user` may not verify `figure` (OWN), or None if they may."""
    return refusal(user.pk, figure.entered_by_id, authors_of([figure])[figure.pk])


def can_verify(user, figure):
    """May `user` verify `figure` under the four-eyes rule (permission checked by callers)."""
    return refusal_for(user, figure) is None


def verify_figures(user, figures):
    """Verify each unverified figure `user` may verify.

    Returns (verified, refused): lists of figures; each refused figure carries `.refusal`
    (OWN, or CHANGED_WHILE_CHECKING when someone altered it since it was loaded). Figures
    already verified are left as they are, in neither list. History sees the change (a row
    per figure, by `user`), and each campaign touched is told its data changed, once.
    """
    pending = [figure for figure in figures if not figure.is_verified]
    authors = authors_of(pending)
    now = timezone.now()
    allowed, refused = [], []
    for figure in pending:
        figure.refusal = refusal(user.pk, figure.entered_by_id, authors[figure.pk])
        (refused if figure.refusal else allowed).append(figure)
    verified = []
    with transaction.atomic():
        for start in range(0, len(allowed), CHUNK):
            chunk = allowed[start : start + CHUNK]
            unchanged, changed = lock_unchanged(chunk)
            refused += changed
            stamp(unchanged, user, now)
            verified += unchanged
        request_ids = {figure.request_id for figure in verified}
        for campaign in Campaign.objects.filter(requests__in=request_ids).distinct():
            campaign.mark_data_changed()
    return verified, refused


CHUNK = 5000


def lock_unchanged(figures):
    """Lock the rows; split them into (still as loaded and unverified, changed meanwhile)."""
    fields = ["pk", "verified_at", *Figure.CHECKED_FIELDS]
    rows = Figure.objects.filter(pk__in=[figure.pk for figure in figures]).select_for_update()
    current = {row[0]: row for row in rows.values_list(*fields)}
    unchanged, changed = [], []
    for figure in figures:
        row = current.get(figure.pk)
        as_loaded = (figure.pk, None, *figure._checked_values().values())
        if row == as_loaded:
            unchanged.append(figure)
        else:
            figure.refusal = CHANGED_WHILE_CHECKING
            changed.append(figure)
    return unchanged, changed


def stamp(figures, user, now):
    """One UPDATE for the rows (all get the same stamp), and their history rows copied in SQL.

    simple_history's bulk_update_with_history would write the same history rows, but its
    bulk_update costs a CASE per row and field: 90 s instead of a few for 100,000 figures.
    """
    ids = [figure.pk for figure in figures]
    Figure.objects.filter(pk__in=ids).update(verified_by=user, verified_at=now)
    for figure in figures:
        figure.verified_by, figure.verified_at = user, now
    history.copy_to_history(
        Figure, ids, history_type=history.CHANGED, user=user, reason="Verified", when=now
    )


def summary(verified, refused):
    """'3 verified; 2 left for another person: you entered, imported or changed them'."""
    parts = [f"{len(verified)} verified"]
    unattributed = sum(1 for figure in verified if figure.entered_by_id is None)
    if unattributed:
        parts[0] += f" ({unattributed} with no recorded enterer: imported without --user)"
    for reason, words in REFUSAL_REASONS.items():
        count = sum(1 for figure in refused if figure.refusal == reason)
        if count:
            parts.append(f"{count} {words}")
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
