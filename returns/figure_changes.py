"""The database records every change of figures itself (see FigureChange in returns/models.py).

Triggers on the figures table append one FigureChange row per request whose figures a write
touched; the statistics snapshot of the request's campaign is out of date while any is left
(returns/snapshots.py). They name no other table but the change log, so altering the requests
table never trips over them.

- PostgreSQL: one statement-level trigger per event, with transition tables: a 100,000-row bulk
  import writes a row per request per batch statement, not per figure. Installed by migration
  0003 and kept by PostgreSQL through later ALTERs.
- SQLite (the zero-setup default) has row-level triggers only: each appends a row unless the
  request already has one waiting (SQLite runs one writer at a time, so the recompute cannot
  delete it unseen in between). SQLite rebuilds a table to alter it, which drops its triggers
  (and fails while a trigger names the table being rebuilt): so they are removed before every
  `migrate` and put back after it (returns/apps.py).
"""

POSTGRESQL_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION returns_figure_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO returns_figurechange (request_id)
            SELECT DISTINCT request_id FROM new_rows;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO returns_figurechange (request_id)
            SELECT DISTINCT request_id FROM old_rows;
        ELSE
            INSERT INTO returns_figurechange (request_id)
            SELECT request_id FROM new_rows UNION SELECT request_id FROM old_rows;
        END IF;
        RETURN NULL;
    END $$;
    """,
    """
    CREATE TRIGGER returns_figure_inserted AFTER INSERT ON returns_figure
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION returns_figure_changed();
    """,
    """
    CREATE TRIGGER returns_figure_updated AFTER UPDATE ON returns_figure
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION returns_figure_changed();
    """,
    """
    CREATE TRIGGER returns_figure_deleted AFTER DELETE ON returns_figure
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION returns_figure_changed();
    """,
]
POSTGRESQL_UNINSTALL = [
    "DROP TRIGGER IF EXISTS returns_figure_inserted ON returns_figure",
    "DROP TRIGGER IF EXISTS returns_figure_updated ON returns_figure",
    "DROP TRIGGER IF EXISTS returns_figure_deleted ON returns_figure",
    "DROP FUNCTION IF EXISTS returns_figure_changed()",
]

SQLITE_TRIGGERS = {
    "returns_figure_inserted": ("INSERT", "NEW"),
    "returns_figure_updated_old": ("UPDATE", "OLD"),
    "returns_figure_updated_new": ("UPDATE", "NEW"),
    "returns_figure_deleted": ("DELETE", "OLD"),
}
SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON returns_figure BEGIN
        INSERT INTO returns_figurechange (request_id)
        SELECT {row}.request_id WHERE NOT EXISTS (
            SELECT 1 FROM returns_figurechange WHERE request_id = {row}.request_id
        );
    END;
    """
    for name, (event, row) in SQLITE_TRIGGERS.items()
]
SQLITE_UNINSTALL = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]

STATEMENTS = {
    "postgresql": (POSTGRESQL_INSTALL, POSTGRESQL_UNINSTALL),
    "sqlite": (SQLITE_INSTALL, SQLITE_UNINSTALL),
}


def install(connection):
    _run(connection, 0)


def uninstall(connection):
    _run(connection, 1)


def _run(connection, which):
    statements = STATEMENTS.get(connection.vendor)
    if statements is None:
        raise RuntimeError(
            f"No figure-change triggers for {connection.vendor}: the statistics could not tell "
            "when they are out of date."
        )
    with connection.cursor() as cursor:
        for statement in statements[which]:
            cursor.execute(statement)


def _tables_exist(connection):
    tables = set(connection.introspection.table_names())
    return {"returns_figure", "returns_figurechange"} <= tables


def before_migrate(using="default", **kwargs):
    """SQLite: take the triggers off while migrations may rebuild the tables they name."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite" and _tables_exist(connection):
        uninstall(connection)


def after_migrate(using="default", **kwargs):
    """SQLite: put the triggers back once the tables are as the models say."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite" and _tables_exist(connection):
        install(connection)
