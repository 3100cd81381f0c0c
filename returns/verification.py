"""Four-eyes verification of figures: a second person checks each one against the force's reply.

The rule, everywhere (admin action, request page, `verify_returns`):
- A figure's *authors* are its recorded enterer (`entered_by`), the uploader of the import it
  came from, and every user who created or changed it, read from its history (each history row
  that left it unverified; the verification rows themselves are not authorship). Editing a
  checked value after verification sends the figure back to unverified (`Figure.save`), so an
  editor always shows up as an author of the value now there.
- An author may never verify the figure.
- Every admin path records its user. `import_returns` without --user records the
  `command-line-import` account (see `command_line_account`), which can never log in or verify.
  The command line is a trusted, shell-access path (whoever runs it could name anyone with
  --user), so such figures may be verified by anyone who did not change them; the summary counts
  them (and any with no recorded enterer, from code that imports without a user: an enterer's
  account cannot be deleted), so the verifier knows the four-eyes check could not name who
  entered them (README: Returns file format; docs/file-formats.md).
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from returns import history
from returns.models import Campaign, Figure, PlausibilityWarning

COMMAND_LINE_IMPORT = "command-line-import"
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
    if is_command_line_account(user):
        return OWN
    return refusal(user.pk, figure.entered_by_id, authors_of([figure])[figure.pk])


class ReservedAccountName(Exception):
    """A login account took the name reserved for imports without --user."""


def command_line_account():
    """The account recorded as entering (and uploading) a command-line import without --user.

    It names no person: it is inactive, not staff and has no usable password, so it can never
    log in, and `verify_figures` refuses it. Created on first use; an existing account of that
    name that could log in is refused rather than taken over.
    """
    user, created = get_user_model().objects.get_or_create(
        username=COMMAND_LINE_IMPORT,
        defaults={"first_name": "Command-line import", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    elif user.is_active or user.is_staff or user.is_superuser or user.has_usable_password():
        raise ReservedAccountName(
            f"The user name {COMMAND_LINE_IMPORT!r} is reserved for imports without --user, but "
            "a login account has it: rename that account, or give --user."
        )
    return user


def is_command_line_account(user):
    return user.get_username() == COMMAND_LINE_IMPORT


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
    if is_command_line_account(user):
        raise PermissionError("The command-line import account never verifies figures.")
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
    """One UPDATE for the rows (all get the same stamp), and their history rows (one path for
    all figure history: returns.history.record)."""
    ids = [figure.pk for figure in figures]
    Figure.objects.filter(pk__in=ids).update(verified_by=user, verified_at=now)
    for figure in figures:
        figure.verified_by, figure.verified_at = user, now
    history.record(
        Figure, ids, history_type=history.CHANGED, user=user, reason="Verified", when=now
    )


def summary(verified, refused):
    """'3 verified; 2 left for another person: you entered, imported or changed them'."""
    parts = [f"{len(verified)} verified"]
    unnamed = unnamed_enterer_ids() if verified else set()
    unattributed = sum(1 for figure in verified if figure.entered_by_id in unnamed)
    if unattributed:
        parts[0] += f" ({unattributed} with no named enterer: imported without --user)"
    for reason, words in REFUSAL_REASONS.items():
        count = sum(1 for figure in refused if figure.refusal == reason)
        if count:
            parts.append(f"{count} {words}")
    return "; ".join(parts)


def unnamed_enterer_ids():
    """Enterer ids that name nobody: none recorded, or the command-line-import account."""
    account = get_user_model().objects.filter(username=COMMAND_LINE_IMPORT)
    return {None, *account.values_list("pk", flat=True)}


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
