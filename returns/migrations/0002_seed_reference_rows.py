from django.db import migrations

from returns.defaults import EMAIL_TEMPLATES, FOIA_EXEMPTIONS, FOISA_EXEMPTIONS


def seed(apps, schema_editor):
    Exemption = apps.get_model("returns", "Exemption")
    EmailTemplate = apps.get_model("returns", "EmailTemplate")
    for regime, rows in (("foia", FOIA_EXEMPTIONS), ("foisa", FOISA_EXEMPTIONS)):
        for section, title in rows:
            Exemption.objects.get_or_create(regime=regime, section=section, defaults={"title": title})
    for (key, regime), (subject, body) in EMAIL_TEMPLATES.items():
        EmailTemplate.objects.get_or_create(
            key=key, regime=regime, defaults={"subject": subject, "body": body}
        )


class Migration(migrations.Migration):
    dependencies = [("returns", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
