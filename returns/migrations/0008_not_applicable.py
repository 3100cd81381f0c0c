"""Issue 12, the meaning of cells: the `not_applicable` status ("N/A", kept apart from not
held; a status name longer than 12 characters), and each figure's caveat (partial year,
provisional, data extraction date) with the force's words. Stored statistics are marked out of
date: age bands stored as written ("10 and under") now count towards "aged 10 and under", and
partial years are left out of per-day and change figures (docs/statistics.md)."""

from django.db import migrations, models
from django.db.models import F


def mark_statistics_stale(apps, schema_editor):
    Campaign = apps.get_model("returns", "Campaign")
    Campaign.objects.update(data_version=F("data_version") + 1)


class Migration(migrations.Migration):

    dependencies = [
        ("returns", "0007_reply_tokens"),
    ]

    operations = [
        migrations.AddField(
            model_name='figure',
            name='caveat',
            field=models.CharField(blank=True, choices=[('partial_year', 'Partial year'), ('provisional', 'Provisional'), ('extracted_on', 'Data extraction date')], help_text="The most serious caveat the force's table or note gave the figure.", max_length=20),
        ),
        migrations.AddField(
            model_name='figure',
            name='caveat_text',
            field=models.CharField(blank=True, help_text="The force's words the caveat was read from.", max_length=500),
        ),
        migrations.AddField(
            model_name='historicalfigure',
            name='caveat',
            field=models.CharField(blank=True, choices=[('partial_year', 'Partial year'), ('provisional', 'Provisional'), ('extracted_on', 'Data extraction date')], help_text="The most serious caveat the force's table or note gave the figure.", max_length=20),
        ),
        migrations.AddField(
            model_name='historicalfigure',
            name='caveat_text',
            field=models.CharField(blank=True, help_text="The force's words the caveat was read from.", max_length=500),
        ),
        migrations.AlterField(
            model_name='figure',
            name='status',
            field=models.CharField(choices=[('reported', 'Reported'), ('suppressed', 'Suppressed'), ('not_held', 'Not held'), ('not_provided', 'Not provided'), ('not_applicable', 'Not applicable')], default='reported', max_length=20),
        ),
        migrations.AlterField(
            model_name='historicalfigure',
            name='status',
            field=models.CharField(choices=[('reported', 'Reported'), ('suppressed', 'Suppressed'), ('not_held', 'Not held'), ('not_provided', 'Not provided'), ('not_applicable', 'Not applicable')], default='reported', max_length=20),
        ),
        migrations.RunPython(mark_statistics_stale, migrations.RunPython.noop),
    ]
