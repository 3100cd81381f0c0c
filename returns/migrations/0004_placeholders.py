"""Request wording and email templates: from Django template syntax to named placeholders.

The text used to be rendered by Django's template engine over model objects, which let anyone
who could edit it print any field reachable from a force or campaign. It now holds only the
placeholders of returns/placeholders.py. This migration rewrites the stored text:

- email templates still equal to the old defaults become the new defaults;
- other text has its simple variables converted ({{ force }}, {{ force.name }} -> {force},
  {{ campaign.title }} -> {campaign}, {{ due_date|date:'j F Y' }} -> {due_date}, the subjects'
  "{% if request.reference %} ..." -> {reference_suffix}), and a brace that was literal text is
  doubled, as the new syntax writes it;
- an email template with anything else ({% tags %}, other filters or fields) is reset to the new
  default: the chasing ladder sends these unattended, so it must not fail or send a half-converted
  text. Its old text is logged so staff can redo their edits with placeholders;
- a campaign's wording with anything else is left as it was and logged: it is the record of what
  was asked (exported with the dataset), so it is never replaced by other words. Such a wording
  cannot be sent (filling it refuses the old syntax, naming the campaign) and the campaign's admin
  form shows the error until staff rewrite it.

The old defaults and the conversion rules are frozen here; the new defaults come from
returns/defaults.py, as in 0002.
"""

import logging
import re

from django.db import migrations, models

from returns.defaults import EMAIL_TEMPLATES
from returns.placeholders import PLACEHOLDERS

logger = logging.getLogger(__name__)

# Old template variables that have a placeholder (str(force) was its name, str(campaign) its title).
VARIABLES = {
    "force": "force",
    "force.name": "force",
    "campaign": "campaign",
    "campaign.title": "campaign",
    "request.reference": "reference",
    "periods": "periods",
    "wording": "wording",
    "act": "act",
    "commissioner": "commissioner",
    "days_overdue": "days_overdue",
    "received_on": "received_on",
    "due_date": "due_date",
    "review_requested_on": "review_requested_on",
    "review_due_date": "review_due_date",
    "on_date": "on_date",
}
# The old defaults wrote dates as {{ due_date|date:'j F Y' }}; placeholders give that format.
DATES = {"received_on", "due_date", "review_requested_on", "review_due_date", "on_date"}
DATE_FILTER = re.compile(r"\|\s*date\s*:\s*(['\"])j F Y\1\s*")
OLD_SYNTAX = re.compile(
    r"(?P<reference_suffix>\{%\s*if\s+request\.reference\s*%\}:?\s?"
    r"\{\{\s*request\.reference\s*\}\}\{%\s*endif\s*%\})"
    r"|\{\{\s*(?P<variable>[\w.]+)\s*(?P<filter>\|[^{}]*)?\}\}"
    r"|(?P<other>\{%.*?%\}|\{#.*?#\}|\{\{.*?\}\})"
    r"|(?P<brace>[{}])",
    re.DOTALL,
)
# The defaults seeded by 0002 come from returns/defaults.py, so they may use placeholders added
# since (e.g. {chasers_sent}): those are placeholder syntax too, not literal braces to double.
PLACEHOLDER_NAMES = set(VARIABLES.values()) | {"reference_suffix"} | set(PLACEHOLDERS)
NEW_PLACEHOLDER = re.compile(r"\{(\w*)\}")


def to_placeholders(text):
    """`text` in placeholder syntax, or None when it holds template syntax with no placeholder."""
    if is_placeholder_syntax(text):
        return text
    unconvertible = False

    def replace(match):
        nonlocal unconvertible
        if match["reference_suffix"]:
            return "{reference_suffix}"
        if match["brace"]:
            return match["brace"] * 2
        name = VARIABLES.get(match["variable"] or "")
        date_filter = match["filter"] and name in DATES and DATE_FILTER.fullmatch(match["filter"])
        if name and (not match["filter"] or date_filter):
            return "{" + name + "}"
        unconvertible = True
        return match[0]

    converted = OLD_SYNTAX.sub(replace, text)
    return None if unconvertible else converted


def is_placeholder_syntax(text):
    """Already written with placeholders only (e.g. seeded by 0002 from the new defaults)."""
    if "{{" in text or "{%" in text or "{#" in text or "}}" in text:
        return False
    stripped = NEW_PLACEHOLDER.sub(
        lambda match: "" if match[1] in PLACEHOLDER_NAMES else match[0], text
    )
    return "{" not in stripped and "}" not in stripped


def convert_email_templates(EmailTemplate):
    for template in EmailTemplate.objects.all():
        key = (template.key, template.regime)
        old = (template.subject, template.body)
        if OLD_EMAIL_TEMPLATES.get(key) == old:
            new = EMAIL_TEMPLATES[key]
        else:
            new = tuple(to_placeholders(text) for text in old)
            if None in new:
                if key not in EMAIL_TEMPLATES:
                    logger.warning("Email template %s left as it was: %r", key, old)
                    continue
                new = EMAIL_TEMPLATES[key]
                logger.warning(
                    "Email template %s reset to the default: its template tags have no "
                    "placeholder. Its old subject and body were: %r",
                    key,
                    old,
                )
        if new != old:
            template.subject, template.body = new
            template.save(update_fields=["subject", "body"])


def convert_wordings(Campaign):
    for campaign in Campaign.objects.all():
        wording = to_placeholders(campaign.request_wording)
        if wording is None:
            logger.warning(
                'The request wording of campaign "%s" holds template syntax that has no '
                "placeholder: left as it was, to be rewritten in the admin.",
                campaign.slug,
            )
        elif wording != campaign.request_wording:
            campaign.request_wording = wording
            campaign.save(update_fields=["request_wording"])


def convert(apps, schema_editor):
    convert_email_templates(apps.get_model("returns", "EmailTemplate"))
    convert_wordings(apps.get_model("returns", "Campaign"))


# The defaults as 0002 seeded them, in Django template syntax.
_OLD_SIGNATURE = "\n\nYours faithfully,\n\nThe FOI team"

OLD_EMAIL_TEMPLATES = {
    ("request", "foia"): (
        "Freedom of Information request: {{ campaign.title }}",
        "Dear {{ force.name }} FOI team,\n\n{{ wording }}\n\nI make this request under {{ act }}. "
        "Please reply within 20 working days of receipt, as section 10(1) requires."
        + _OLD_SIGNATURE,
    ),
    ("request", "foisa"): (
        "Freedom of Information request: {{ campaign.title }}",
        "Dear {{ force.name }} FOI team,\n\n{{ wording }}\n\nI make this request under {{ act }}. "
        "Please reply within 20 working days of receipt, as section 10(1) requires."
        + _OLD_SIGNATURE,
    ),
    ("chaser", "foia"): (
        "Overdue FOI request{% if request.reference %} {{ request.reference }}{% endif %}: {{ campaign.title }}",
        'Dear {{ force.name }} FOI team,\n\nOur request "{{ campaign.title }}", received on '
        "{{ received_on|date:'j F Y' }}, was due for a reply by {{ due_date|date:'j F Y' }} under "
        "section 10(1) of {{ act }}. We have not yet received a response. Please reply as soon as "
        "possible, or tell us when we can expect one." + _OLD_SIGNATURE,
    ),
    ("second_chaser", "foia"): (
        "Second reminder: overdue FOI request{% if request.reference %} {{ request.reference }}{% endif %}",
        'Dear {{ force.name }} FOI team,\n\nOur request "{{ campaign.title }}" was due by '
        "{{ due_date|date:'j F Y' }} and is now {{ days_overdue }} working days overdue. Unless we hear "
        "from you, we will ask for an internal review of your failure to respond." + _OLD_SIGNATURE,
    ),
    ("internal_review", "foia"): (
        "Request for internal review{% if request.reference %}: {{ request.reference }}{% endif %}",
        "Dear {{ force.name }} FOI team,\n\nWe ask for an internal review of your handling of our "
        "request \"{{ campaign.title }}\", received on {{ received_on|date:'j F Y' }} and due by "
        "{{ due_date|date:'j F Y' }}, to which we have had no response, {{ days_overdue }} working "
        "days after the statutory deadline. The Code of Practice under section 45 expects a review "
        "within 20 working days, by {{ review_due_date|date:'j F Y' }}." + _OLD_SIGNATURE,
    ),
    ("commissioner_complaint", "foia"): (
        "Complaint to the Information Commissioner: {{ force.name }}",
        "To the Information Commissioner's Office,\n\nWe complain under section 50 of {{ act }} "
        'about {{ force.name }}\'s failure to respond to our request "{{ campaign.title }}", '
        "received on {{ received_on|date:'j F Y' }}, due by {{ due_date|date:'j F Y' }}. We asked "
        "for an internal review on {{ review_requested_on|date:'j F Y' }}, due by "
        "{{ review_due_date|date:'j F Y' }}, and have had no reply. Our chasers are attached from "
        "the correspondence log." + _OLD_SIGNATURE,
    ),
    ("commissioner_notice", "foia"): (
        "Complaint to the Information Commissioner{% if request.reference %}: {{ request.reference }}{% endif %}",
        "Dear {{ force.name }} FOI team,\n\nAs we have had no response to our request "
        '"{{ campaign.title }}" nor to our request for internal review, we are referring the '
        "matter to {{ commissioner }}." + _OLD_SIGNATURE,
    ),
    ("chaser", "foisa"): (
        "Overdue FOI request{% if request.reference %} {{ request.reference }}{% endif %}: {{ campaign.title }}",
        'Dear {{ force.name }} FOI team,\n\nOur request "{{ campaign.title }}", received on '
        "{{ received_on|date:'j F Y' }}, was due for a reply by {{ due_date|date:'j F Y' }} under "
        "section 10(1) of {{ act }}. We have not yet received a response. Please reply as soon as "
        "possible." + _OLD_SIGNATURE,
    ),
    ("second_chaser", "foisa"): (
        "Second reminder: overdue FOI request{% if request.reference %} {{ request.reference }}{% endif %}",
        'Dear {{ force.name }} FOI team,\n\nOur request "{{ campaign.title }}" was due by '
        "{{ due_date|date:'j F Y' }} and is now {{ days_overdue }} working days overdue. Unless we hear "
        "from you, we will require a review under section 20 of {{ act }}." + _OLD_SIGNATURE,
    ),
    ("internal_review", "foisa"): (
        "Requirement for review under section 20 FOISA{% if request.reference %}: {{ request.reference }}{% endif %}",
        "Dear {{ force.name }} FOI team,\n\nUnder section 20(1) of {{ act }} we require Police "
        'Scotland to review its failure to respond to our request "{{ campaign.title }}", received '
        "on {{ received_on|date:'j F Y' }} and due by {{ due_date|date:'j F Y' }}. Section 21(1) "
        "requires a response within 20 working days, by {{ review_due_date|date:'j F Y' }}."
        + _OLD_SIGNATURE,
    ),
    ("commissioner_complaint", "foisa"): (
        "Application to the Scottish Information Commissioner: {{ force.name }}",
        "To the Scottish Information Commissioner,\n\nWe apply under section 47(1) of {{ act }} "
        "for a decision on {{ force.name }}'s failure to respond to our request "
        "\"{{ campaign.title }}\", received on {{ received_on|date:'j F Y' }}, and to our "
        "requirement for review of {{ review_requested_on|date:'j F Y' }}, due by "
        "{{ review_due_date|date:'j F Y' }}." + _OLD_SIGNATURE,
    ),
    ("commissioner_notice", "foisa"): (
        "Application to the Scottish Information Commissioner{% if request.reference %}: {{ request.reference }}{% endif %}",
        "Dear {{ force.name }} FOI team,\n\nAs we have had no response to our request "
        '"{{ campaign.title }}" nor to our requirement for review, we are applying to '
        "{{ commissioner }} under section 47 of {{ act }}." + _OLD_SIGNATURE,
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0003_figure_changes"),
    ]

    operations = [
        migrations.RunPython(convert, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="campaign",
            name="request_wording",
            field=models.TextField(
                help_text="The request as sent. Placeholders (a name in braces, filled in for each force): {force}: the force's name in the directory, e.g. Northumbria Police; {campaign}: the campaign's title; {periods}: the periods asked for, e.g. 2015/16, 2016/17 and 2017/18; {act}: the Act the request is made under, e.g. the Freedom of Information Act 2000. Nothing else may appear in braces; a brace itself is written twice: {{ or }}."
            ),
        ),
        migrations.AlterField(
            model_name="emailtemplate",
            name="body",
            field=models.TextField(
                help_text="Placeholders (a name in braces, filled in for each force): {force}: the force's name in the directory, e.g. Northumbria Police; {campaign}: the campaign's title; {periods}: the periods asked for, e.g. 2015/16, 2016/17 and 2017/18; {act}: the Act the request is made under, e.g. the Freedom of Information Act 2000; {commissioner}: who hears complaints, e.g. the Information Commissioner; {reference}: the force's reference for the request (empty when it gave none); {reference_suffix}: the force's reference as \" (your reference ABC/123)\", or nothing when it gave none; {received_on}: the date the force received the request (or its clarification), e.g. 5 January 2015; {due_date}: the date the reply is due, e.g. 5 January 2015; {days_overdue}: working days past the due date, e.g. 5; {review_requested_on}: the date the internal review was asked for; {review_due_date}: the date the internal review is due; {on_date}: the date of the message; {wording}: the campaign's request wording, filled in for the force. Nothing else may appear in braces; a brace itself is written twice: {{ or }}."
            ),
        ),
        migrations.AlterField(
            model_name="emailtemplate",
            name="subject",
            field=models.CharField(
                help_text="The same placeholders as the body, e.g. {campaign}.", max_length=300
            ),
        ),
        migrations.AlterField(
            model_name="historicalcampaign",
            name="request_wording",
            field=models.TextField(
                help_text="The request as sent. Placeholders (a name in braces, filled in for each force): {force}: the force's name in the directory, e.g. Northumbria Police; {campaign}: the campaign's title; {periods}: the periods asked for, e.g. 2015/16, 2016/17 and 2017/18; {act}: the Act the request is made under, e.g. the Freedom of Information Act 2000. Nothing else may appear in braces; a brace itself is written twice: {{ or }}."
            ),
        ),
    ]
