"""History rows for bulk writes, copied inside the database.

simple_history keeps one history row per change; its bulk helpers build every history row as a
Python object, which doubled the cost of a 100,000-row import. After a bulk INSERT or UPDATE the
rows already hold the values the history must record, so `INSERT ... SELECT` copies them into the
same history table, in the same transaction, with the same who/when/why columns: the admin's
History pages read them like any other.
"""

from django.db import connection
from django.utils import timezone

CREATED, CHANGED = "+", "~"  # simple_history's history_type codes
CHUNK = 10_000


def copy_to_history(model, ids, *, history_type, user=None, reason="", when=None):
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
            chunk = ids[start : start + CHUNK]
            cursor.execute(
                f"INSERT INTO {connection.ops.quote_name(history._meta.db_table)} "
                f"({target}, history_date, history_change_reason, history_type, history_user_id) "
                f"SELECT {source}, %s, %s, %s, %s "
                f"FROM {connection.ops.quote_name(model._meta.db_table)} "
                f"WHERE {connection.ops.quote_name(model._meta.pk.column)} IN "
                f"({', '.join(['%s'] * len(chunk))})",
                [when, reason[:100] or None, history_type, getattr(user, "pk", user), *chunk],
            )
