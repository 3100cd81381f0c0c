from django.db import migrations

from forces.loading import load_forces


def load(apps, schema_editor):
    load_forces(apps.get_model("forces", "Force"))


class Migration(migrations.Migration):
    dependencies = [("forces", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
