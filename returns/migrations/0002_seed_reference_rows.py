from django.db import migrations

from returns import defaults


def seed(apps, schema_editor):
    # The exemptions come from returns.regimes; a regime added later is seeded after migrate.
    defaults.seed(
        apps.get_model("returns", "Exemption"),
        apps.get_model("returns", "EmailTemplate"),
        ["foia", "foisa"],
    )


class Migration(migrations.Migration):
    dependencies = [("returns", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
