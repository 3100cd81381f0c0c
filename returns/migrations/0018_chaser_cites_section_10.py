"""The default FOIA chaser said a reply "was due by {due_date} under section 10(1)", also when
{due_date} is a public-interest extension's date, which is section 10(3)'s. A chaser still
worded as its old default cites section 10; one staff edited is left as they wrote it. The old
wording is frozen here; the new one comes from returns/defaults.py.
"""

from django.db import migrations

from returns.defaults import EMAIL_TEMPLATES
from returns.migrations._rewording import rewording

_SIGNATURE = "\n\nYours faithfully,\n\nThe FOI team"
KEY = ("chaser", "foia")
OLD_TEMPLATES = {
    KEY: (
        EMAIL_TEMPLATES[KEY][0],
        'Dear {force} FOI team,\n\nOur request "{campaign}", received on {received_on}, was due '
        "for a reply by {due_date} under section 10(1) of {act}. We have not yet received a "
        "response. Please reply as soon as possible, or tell us when we can expect one."
        + _SIGNATURE,
    ),
}


forward, backward = rewording(OLD_TEMPLATES)


class Migration(migrations.Migration):
    dependencies = [("returns", "0017_emailtemplate_chasers_sent_help")]

    operations = [migrations.RunPython(forward, backward)]
