"""A chase step is taken once for each date of receipt of its request, not once for ever: a
request sent again after a delivery failure is chased afresh (docs/deadlines.md: The chase
ladder). Each step already logged is marked as chasing its request's date of receipt when it
is dated after it; one dated on or before it chased an earlier delivery, and is left unmarked.
"""

from django.db import migrations, models
from django.db.models import F, OuterRef, Q, Subquery

CHASE_KINDS = ["chaser", "second_chaser", "internal_review", "commissioner"]


def mark_steps(apps, schema_editor):
    Correspondence = apps.get_model("returns", "Correspondence")
    FOIRequest = apps.get_model("returns", "FOIRequest")
    received_on = FOIRequest.objects.filter(pk=OuterRef("request_id")).values("received_on")[:1]
    Correspondence.objects.filter(
        kind__in=CHASE_KINDS, date__gt=F("request__received_on")
    ).update(chases_receipt_of=Subquery(received_on))


class Migration(migrations.Migration):
    dependencies = [("returns", "0018_chaser_cites_section_10")]

    operations = [
        migrations.AddField(
            model_name="correspondence",
            name="chases_receipt_of",
            field=models.DateField(
                blank=True,
                editable=False,
                help_text="For a chase step taken by the ladder: the date of receipt it chased.",
                null=True,
                verbose_name="chases the request received on",
            ),
        ),
        migrations.RunPython(mark_steps, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="correspondence", name="one_chase_step_of_each_kind"
        ),
        migrations.AddConstraint(
            model_name="correspondence",
            constraint=models.UniqueConstraint(
                condition=Q(kind__in=CHASE_KINDS),
                fields=("request", "kind", "chases_receipt_of"),
                name="one_chase_step_of_each_kind_per_receipt",
            ),
        ),
    ]
