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
from django.db import connection, transaction
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
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


def verify_figures(user, figures, progress=None):
    """Verify each unverified figure `user` may verify.

    `figures`: Figure instances, or a queryset of them (read here with only the fields the
    check needs). Returns (verified, refused): lists of figures; each refused figure carries
    `.refusal` (OWN, or CHANGED_WHILE_CHECKING when someone altered it since it was loaded).
    Figures already verified are left as they are, in neither list. History sees the change (a
    row per figure, by `user`), and each campaign touched is told its data changed, once.
    `progress(done, total)` is called after each chunk of figures (returns/progress.py).
    """
    if is_command_line_account(user):
        raise PermissionError("The command-line import account never verifies figures.")
    pending = unverified(figures)
    own = own_figures(user, pending)
    now = timezone.now()
    allowed, refused = [], []
    for figure in pending:
        figure.refusal = OWN if figure.pk in own else None
        (refused if figure.refusal else allowed).append(figure)
    verified = []
    with transaction.atomic():
        own = len(refused)  # decided already: the user's own figures
        for start in range(0, len(allowed), CHUNK):
            unchanged, changed = stamp_unchanged(allowed[start : start + CHUNK], user, now)
            refused += changed
            verified += unchanged
            if progress:
                progress(own + min(start + CHUNK, len(allowed)), len(pending))
        if progress and not allowed:
            progress(len(pending), len(pending))
        request_ids = {figure.request_id for figure in verified}
        for campaign in Campaign.objects.filter(requests__in=request_ids).distinct():
            campaign.mark_data_changed()
    return verified, refused


CHUNK = 5000
CHECKED_COLUMNS = [Figure._meta.get_field(name).column for name in Figure.CHECKED_FIELDS]


def unverified(figures):
    if isinstance(figures, QuerySet):
        # Plain rows' worth of each figure: no joined request, no timestamps to convert.
        needed = {"entered_by", "verified_at", *Figure.CHECKED_FIELDS} - {"request_id"}
        figures = figures.filter(verified_at__isnull=True).select_related(None)
        figures = figures.only("request", *needed)
    return [figure for figure in figures if not figure.is_verified]


def own_figures(user, figures):
    """The ids of `figures` that `user` may not verify: those they entered, imported or changed
    (the four-eyes rule, docs/domain.md), in a query per CHUNK figures."""
    authored = authored_by(user, figures)
    return {
        figure.pk for figure in figures if figure.pk in authored or figure.entered_by_id == user.pk
    }


def authored_by(user, figures):
    """The ids of `figures` that `user` entered, imported or changed (their authors, as in
    `authors_of`, asked of one user), in two queries per CHUNK figures. The history is asked
    by figure id, not as a subquery per figure: SQLite would read such a subquery through the
    index on the user, every history row of a verifier who has verified thousands."""
    authored = set()
    history_model = Figure.history.model
    for start in range(0, len(figures), CHUNK):
        ids = [figure.pk for figure in figures[start : start + CHUNK]]
        authored.update(
            Figure.objects.filter(among(Figure, ids))
            .filter(Q(entered_by=user) | Q(import_batch__uploaded_by=user))
            .values_list("pk", flat=True)
        )
        authored.update(
            history_model.objects.filter(among(history_model, ids, "id"))
            .filter(verified_at__isnull=True, history_user=user)
            .values_list("id", flat=True)
        )
    return authored


def among(model, ids, field=None):
    """A filter for "the row's `field` (its primary key) is one of `ids`" (history.ids_in)."""
    column = model._meta.get_field(field).column if field else model._meta.pk.column
    sql, params = history.ids_in(column, ids, table=model._meta.db_table)
    return RawSQL(sql, params, output_field=BooleanField())


def stamp_unchanged(figures, user, now):
    """Stamp the figures verified by `user` at `now`, each only if still unverified and as
    loaded: one UPDATE ... RETURNING (which locks the rows) and their history rows (one path
    for all figure history: returns.history.record). Returns (stamped, changed meanwhile); a
    changed one is unstamped again in the same transaction, so nobody ever sees it verified."""
    where, params = history.ids_in(Figure._meta.pk.column, [figure.pk for figure in figures])
    table = connection.ops.quote_name(Figure._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in CHECKED_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET verified_by_id = %s, verified_at = %s "
            f"WHERE {where} AND verified_at IS NULL RETURNING id, {columns}",
            [user.pk, connection.ops.adapt_datetimefield_value(now), *params],
        )
        current = {row[0]: row[1:] for row in cursor.fetchall()}
        stamped, changed = [], []
        for figure in figures:
            if current.get(figure.pk) == tuple(figure._checked_values().values()):
                figure.verified_by, figure.verified_at = user, now
                stamped.append(figure)
            else:
                figure.refusal = CHANGED_WHILE_CHECKING
                changed.append(figure)
        unstamp = [figure.pk for figure in changed if figure.pk in current]
        if unstamp:
            where, params = history.ids_in(Figure._meta.pk.column, unstamp)
            cursor.execute(
                f"UPDATE {table} SET verified_by_id = NULL, verified_at = NULL WHERE {where}",
                params,
            )
    history.record(
        Figure,
        [figure.pk for figure in stamped],
        history_type=history.CHANGED,
        user=user,
        reason="Verified",
        when=now,
    )
    return stamped, changed


def verify_as_decided(user, figures, dismissals, progress=None):
    """Dismiss each warning of `dismissals` ([(warning, reason)]: dismissed with a reason, or
    acknowledged), then verify `figures`, all in one transaction: a refusal undoes it all.
    Returns (verified, refused) as verify_figures does. The bulk action calls it, inline or
    on the worker (returns/jobs.py)."""
    with transaction.atomic():
        for warning, reason in dismissals:
            dismiss_warning(user, warning, reason)
        return verify_figures(user, figures, progress=progress)


def summary(verified, refused, left_open=0):
    """'3 verified; 2 left for another person: you entered, imported or changed them', and how
    many were left unverified with an open plausibility warning."""
    parts = [f"{len(verified)} verified"]
    unnamed = unnamed_enterer_ids() if verified else set()
    unattributed = sum(1 for figure in verified if figure.entered_by_id in unnamed)
    if unattributed:
        parts[0] += f" ({unattributed} with no named enterer: imported without --user)"
    for reason, words in REFUSAL_REASONS.items():
        count = sum(1 for figure in refused if figure.refusal == reason)
        if count:
            parts.append(f"{count} {words}")
    if left_open:
        parts.append(f"{left_open} left unverified with an open plausibility warning")
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
