"""One write path for figure history: every history row of a figure is copied by `record`.

simple_history gives figures their history table and the admin's History pages. What writes the
rows differs by path in the library (a Python object per row from its signals, another per row
from its bulk helpers), so the figures' history is written here instead, one way for all:
`INSERT ... SELECT` copies the rows as the database holds them into the history table, in the
same transaction, with who, when and why. `FigureHistory` routes simple_history's own per-row
signals (an edit in the admin, a history revert, a save or delete in the shell) to `record`;
bulk writers (imports, verification) call `record` once per batch of rows: copying in SQL keeps
a 100,000-row import near the speed of the bulk write itself.
"""

from django.db import connection
from django.utils import timezone
from simple_history.models import HistoricalRecords

CREATED, CHANGED, DELETED = "+", "~", "-"  # simple_history's history_type codes
CHUNK = 10_000
REASON_LENGTH = 100  # simple_history's history_change_reason column


def fitted(reason):
    """`reason` cut to the history's column, marked as cut (a reason naming a force's email by
    its Message-ID, ~85 characters from Exchange Online, can be longer)."""
    if reason and len(reason) > REASON_LENGTH:
        return reason[: REASON_LENGTH - 1] + "\u2026"
    return reason


class History(HistoricalRecords):
    """simple_history's history model and pages, the change reason fitted to its column."""

    def get_change_reason_for_object(self, instance, history_type, using):
        return fitted(super().get_change_reason_for_object(instance, history_type, using))


def record(model, ids, *, history_type, user=None, reason="", when=None):
    """Record the current state of `model` rows `ids` as history rows of `history_type`."""
    history = model.history.model
    copied = [f for f in history._meta.concrete_fields if not f.name.startswith("history_")]
    target = ", ".join(connection.ops.quote_name(f.column) for f in copied)
    source = ", ".join(
        connection.ops.quote_name(model._meta.get_field(f.name).column) for f in copied
    )
    when = when or timezone.now()
    ids = list(ids)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            where, params = ids_in(model._meta.pk.column, ids[start : start + CHUNK])
            cursor.execute(
                f"INSERT INTO {connection.ops.quote_name(history._meta.db_table)} "
                f"({target}, history_date, history_change_reason, history_type, history_user_id) "
                f"SELECT {source}, %s, %s, %s, %s "
                f"FROM {connection.ops.quote_name(model._meta.db_table)} WHERE {where}",
                [
                    when,
                    fitted(reason) or None,
                    history_type,
                    getattr(user, "pk", user),
                    *params,
                ],
            )


def ids_in(column, ids, table=None):
    """SQL (and its parameters) for "`column` is one of `ids`": on PostgreSQL one array
    parameter (`= ANY(%s)`), since a parameter per id costs more than the write itself."""
    quoted = connection.ops.quote_name(column)
    if table:
        quoted = f"{connection.ops.quote_name(table)}.{quoted}"
    if connection.vendor == "postgresql":
        return f"{quoted} = ANY(%s)", [list(ids)]
    return f"{quoted} IN ({', '.join(['%s'] * len(ids))})", list(ids)


class FigureHistory(History):
    """simple_history's history model and pages; its per-row writes go through `record`.

    A deletion is recorded just before the row goes (the copy needs the row), in the deleting
    transaction, so a delete that rolls back leaves no history row either.
    """

    def create_historical_record(self, instance, history_type, using=None):
        if history_type == DELETED:
            return  # recorded by pre_delete, while the row was still there to copy
        self._record_one(instance, history_type, using)

    def pre_delete(self, instance, **kwargs):
        super().pre_delete(instance, **kwargs)
        self._record_one(instance, DELETED, kwargs.get("using"))

    def _record_one(self, instance, history_type, using):
        record(
            type(instance),
            [instance.pk],
            history_type=history_type,
            user=self.get_history_user(instance),
            reason=self.get_change_reason_for_object(instance, history_type, using),
            when=getattr(instance, "_history_date", None),
        )
