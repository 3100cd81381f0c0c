import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0010_replies"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="correspondence",
            field=models.ForeignKey(
                blank=True,
                help_text="The force's reply the file came with, when imported from its "
                "attachment.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="import_batches",
                to="returns.correspondence",
            ),
        ),
    ]
