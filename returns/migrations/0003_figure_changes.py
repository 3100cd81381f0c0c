"""Figure changes recorded by the database itself, so the statistics snapshot can tell it is
out of date whatever wrote the figures (FigureChange in returns/models.py; the triggers are in
returns/figure_changes.py)."""

import django.db.models.deletion
from django.conf import settings
import django.db.models.functions.datetime
from django.db import migrations, models

from returns import figure_changes


def install(apps, schema_editor):
    # SQLite's triggers are installed after every migrate instead (returns/figure_changes.py):
    # SQLite rebuilds a table to alter it, and a trigger naming a table being rebuilt fails it.
    if schema_editor.connection.vendor != "sqlite":
        figure_changes.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    figure_changes.uninstall(schema_editor.connection)


def mark_existing_campaigns_changed(apps, schema_editor):
    """Snapshots computed before the triggers may have missed a change: recompute them all."""
    FOIRequest = apps.get_model("returns", "FOIRequest")
    FigureChange = apps.get_model("returns", "FigureChange")
    FigureChange.objects.bulk_create(
        FigureChange(request_id=pk)
        for pk in FOIRequest.objects.filter(figures__isnull=False)
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
                    "request",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="returns.foirequest",
                    ),
                ),
            ],
        ),
        migrations.RunPython(install, uninstall),
        migrations.RunPython(mark_existing_campaigns_changed, migrations.RunPython.noop),
    ]
