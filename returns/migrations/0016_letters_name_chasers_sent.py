"""Default letters that claimed chasers never sent. The complaint to the Information
Commissioner said "Our chasers are attached", and the second chaser was headed "Second reminder",
even when the ladder had skipped the chasers (a request left unchased took only its most advanced
step). A template still worded as its old default becomes the new default, which names the
chasers really sent ({chasers_sent}); one staff edited is left as they wrote it. The old wording
is frozen here; the new one comes from returns/defaults.py.
"""

from django.db import migrations

from returns.defaults import EMAIL_TEMPLATES
from returns.migrations._rewording import rewording

_SIGNATURE = "\n\nYours faithfully,\n\nThe FOI team"
KEY = ("commissioner_complaint", "foia")
OLD_BODY = (
    "To the Information Commissioner's Office,\n\nWe complain under section 50 of {act} "
    'about {force}\'s failure to respond to our request "{campaign}", received on '
    "{received_on}, due by {due_date}. We asked for an internal review on "
    "{review_requested_on}, due by {review_due_date}, and have had no reply. Our chasers "
    "are attached from the correspondence log." + _SIGNATURE
)
_SECOND_REMINDER = "Second reminder: overdue FOI request{reference_suffix}"
_SECOND_CHASER = (
    'Dear {force} FOI team,\n\nOur request "{campaign}" was due by {due_date} and is now '
    "{days_overdue} working days overdue. Unless we hear from you, "
)
OLD_TEMPLATES = {
    KEY: (EMAIL_TEMPLATES[KEY][0], OLD_BODY),
    ("second_chaser", "foia"): (
        _SECOND_REMINDER,
        _SECOND_CHASER
        + "we will ask for an internal review of your failure to respond."
        + _SIGNATURE,
    ),
    ("second_chaser", "foisa"): (
        _SECOND_REMINDER,
        _SECOND_CHASER + "we will require a review under section 20 of {act}." + _SIGNATURE,
    ),
}


forward, backward = rewording(OLD_TEMPLATES)


class Migration(migrations.Migration):
    dependencies = [("returns", "0015_set_aside")]

    operations = [migrations.RunPython(forward, backward)]
