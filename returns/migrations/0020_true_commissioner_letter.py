"""The default complaint to the Information Commissioner said "Our chasers are attached" even when
no chaser had been sent. A complaint template still worded as that old default becomes the new
default, which names the chasers really sent ({chasers_sent}); one staff edited is left as they
wrote it. The old wording is frozen here; the new one comes from returns/defaults.py.
"""

from django.db import migrations

from returns.defaults import EMAIL_TEMPLATES

KEY = ("commissioner_complaint", "foia")
OLD_BODY = (
    "To the Information Commissioner's Office,\n\nWe complain under section 50 of {act} "
    'about {force}\'s failure to respond to our request "{campaign}", received on '
    "{received_on}, due by {due_date}. We asked for an internal review on "
    "{review_requested_on}, due by {review_due_date}, and have had no reply. Our chasers "
    "are attached from the correspondence log.\n\nYours faithfully,\n\nThe FOI team"
)


def forward(apps, schema_editor):
    EmailTemplate = apps.get_model("returns", "EmailTemplate")
    key, regime = KEY
    EmailTemplate.objects.filter(key=key, regime=regime, body=OLD_BODY).update(
        body=EMAIL_TEMPLATES[KEY][1]
    )


def backward(apps, schema_editor):
    EmailTemplate = apps.get_model("returns", "EmailTemplate")
    key, regime = KEY
    EmailTemplate.objects.filter(key=key, regime=regime, body=EMAIL_TEMPLATES[KEY][1]).update(
        body=OLD_BODY
    )


class Migration(migrations.Migration):
    dependencies = [("returns", "0014_stored_files")]

    operations = [migrations.RunPython(forward, backward)]
