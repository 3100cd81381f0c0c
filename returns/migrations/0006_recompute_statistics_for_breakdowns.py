"""Stored statistics computed before the offence-type table was added have no `offence_types`:
mark every campaign's snapshot out of date, so the repair sweep (returns/snapshots.py) recomputes
it. (Without this, the page would show no offence-type table until the campaign's figures next
changed; it tolerates a snapshot without a breakdown's summary.)"""

from django.db import migrations
from django.db.models import F


def mark_statistics_stale(apps, schema_editor):
    Campaign = apps.get_model("returns", "Campaign")
    Campaign.objects.update(data_version=F("data_version") + 1)


class Migration(migrations.Migration):
    dependencies = [("returns", "0005_regime_choices")]

    operations = [migrations.RunPython(mark_statistics_stale, migrations.RunPython.noop)]
