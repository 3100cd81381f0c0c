"""Figure changes recorded by the database itself, so the statistics snapshot can tell it is
out of date whatever wrote the figures (see FigureChange in returns/models.py).

PostgreSQL: one statement-level trigger per event, with transition tables, writes one row per
campaign touched by a statement (a 100,000-row bulk import writes about a hundred).
SQLite has row-level triggers only: each writes a row unless the campaign already has one
waiting (SQLite serialises writers, so the recompute cannot delete it in between unseen).
"""

import django.db.models.deletion
from django.conf import settings
import django.db.models.functions.datetime
from django.db import migrations, models

POSTGRESQL = [
    """
    CREATE FUNCTION returns_figure_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO returns_figurechange (campaign_id)
            SELECT DISTINCT r.campaign_id FROM returns_foirequest r
            WHERE r.id IN (SELECT request_id FROM new_rows);
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO returns_figurechange (campaign_id)
            SELECT DISTINCT r.campaign_id FROM returns_foirequest r
            WHERE r.id IN (SELECT request_id FROM old_rows);
        ELSE
            INSERT INTO returns_figurechange (campaign_id)
            SELECT DISTINCT r.campaign_id FROM returns_foirequest r
            WHERE r.id IN (SELECT request_id FROM new_rows UNION SELECT request_id FROM old_rows);
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
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS returns_figure_inserted ON returns_figure",
    "DROP TRIGGER IF EXISTS returns_figure_updated ON returns_figure",
    "DROP TRIGGER IF EXISTS returns_figure_deleted ON returns_figure",
    "DROP FUNCTION IF EXISTS returns_figure_changed()",
]


def _sqlite_trigger(name, event, row):
    return f"""
    CREATE TRIGGER {name} AFTER {event} ON returns_figure BEGIN
        INSERT INTO returns_figurechange (campaign_id)
        SELECT r.campaign_id FROM returns_foirequest r
        WHERE r.id = {row}.request_id AND NOT EXISTS (
            SELECT 1 FROM returns_figurechange c WHERE c.campaign_id = r.campaign_id
        );
    END;
    """


SQLITE = [
    _sqlite_trigger("returns_figure_inserted", "INSERT", "NEW"),
    _sqlite_trigger("returns_figure_updated_old", "UPDATE", "OLD"),
    _sqlite_trigger("returns_figure_updated_new", "UPDATE", "NEW"),
    _sqlite_trigger("returns_figure_deleted", "DELETE", "OLD"),
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in [
        "returns_figure_inserted",
        "returns_figure_updated_old",
        "returns_figure_updated_new",
        "returns_figure_deleted",
    ]
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(
                f"No figure-change triggers for {schema_editor.connection.vendor}: the "
                "statistics could not tell when they are out of date."
            )
        for statement in statements:
            schema_editor.execute(statement)

    return run


def mark_existing_campaigns_changed(apps, schema_editor):
    """Snapshots computed before the triggers may have missed a change: recompute them all."""
    Campaign = apps.get_model("returns", "Campaign")
    FigureChange = apps.get_model("returns", "FigureChange")
    FigureChange.objects.bulk_create(
        FigureChange(campaign_id=pk)
        for pk in Campaign.objects.filter(requests__figures__isnull=False)
        .distinct()
        .values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0002_seed_reference_rows"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="figure",
            name="entered_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="figure",
            name="verified_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="uploaded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="figure",
            name="import_batch",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty when entered by hand.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="figures",
                to="returns.importbatch",
            ),
        ),
        migrations.CreateModel(
            name="FigureChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "changed_at",
                    models.DateTimeField(db_default=django.db.models.functions.datetime.Now()),
                ),
                (
                    "campaign",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="returns.campaign",
                    ),
                ),
            ],
        ),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_DROP, "sqlite": SQLITE_DROP}),
        ),
        migrations.RunPython(mark_existing_campaigns_changed, migrations.RunPython.noop),
    ]
