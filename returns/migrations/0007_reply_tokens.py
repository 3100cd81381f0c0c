"""Every request gets an unguessable reply token (its Reply-To address), and messages keep their
Message-ID, so replies can be matched to their request."""

from django.db import migrations, models

import returns.models


def give_each_request_a_token(apps, schema_editor):
    FOIRequest = apps.get_model("returns", "FOIRequest")
    for foi_request in FOIRequest.objects.filter(reply_token__isnull=True).only("pk"):
        foi_request.reply_token = returns.models.new_reply_token()
        foi_request.save(update_fields=["reply_token"])


class Migration(migrations.Migration):
    dependencies = [("returns", "0006_recompute_statistics_for_breakdowns")]

    operations = [
        migrations.AddField(
            model_name="foirequest",
            name="reply_token",
            field=models.CharField(editable=False, max_length=16, null=True),
        ),
        migrations.RunPython(give_each_request_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="foirequest",
            name="reply_token",
            field=models.CharField(
                default=returns.models.new_reply_token, editable=False, max_length=16, unique=True
            ),
        ),
        migrations.AddField(
            model_name="historicalfoirequest",
            name="reply_token",
            field=models.CharField(
                db_index=True,
                default=returns.models.new_reply_token,
                editable=False,
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="correspondence",
            name="message_id",
            field=models.CharField(
                blank=True,
                db_index=True,
                help_text="The email's Message-ID (ours for a message sent, the sender's for one "
                "received).",
                max_length=255,
            ),
        ),
    ]
