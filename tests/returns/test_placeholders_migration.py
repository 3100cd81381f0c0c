"""Migration 0010 rewrites stored wording and email templates in placeholders."""

import importlib
import logging

import pytest
from django.apps import apps as django_apps

from returns import messaging
from returns.defaults import EMAIL_TEMPLATES
from returns.models import Campaign, EmailTemplate
from tests.factories import CampaignFactory, FOIRequestFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module("returns.migrations.0004_placeholders")
letters_migration = importlib.import_module("returns.migrations.0016_letters_name_chasers_sent")
chaser_migration = importlib.import_module("returns.migrations.0018_chaser_cites_section_10")


def convert():
    migration.convert_email_templates(EmailTemplate)
    migration.convert_wordings(Campaign)


def stored(key, regime="foia"):
    template = EmailTemplate.objects.get(key=key, regime=regime)
    return template.subject, template.body


def test_it_turns_the_old_default_templates_into_the_new_ones():
    for (key, regime), (subject, body) in migration.OLD_EMAIL_TEMPLATES.items():
        EmailTemplate.objects.filter(key=key, regime=regime).update(subject=subject, body=body)

    convert()

    for key, regime in migration.OLD_EMAIL_TEMPLATES:
        assert stored(key, regime) == EMAIL_TEMPLATES[key, regime]


def test_it_converts_the_old_defaults_by_its_rules_too():
    # The defaults as they were then: some were reworded since (migrations 0016, 0020).
    then = {**EMAIL_TEMPLATES, **letters_migration.OLD_TEMPLATES, **chaser_migration.OLD_TEMPLATES}
    for key, (subject, body) in migration.OLD_EMAIL_TEMPLATES.items():
        converted = migration.to_placeholders(subject), migration.to_placeholders(body)
        assert converted == then[key]


def test_it_rewords_the_letters_left_as_their_old_defaults_and_keeps_edited_ones():
    for (key, regime), (subject, body) in letters_migration.OLD_TEMPLATES.items():
        EmailTemplate.objects.filter(key=key, regime=regime).update(subject=subject, body=body)
    EmailTemplate.objects.filter(key="second_chaser", regime="foisa").update(subject="Edited")

    letters_migration.forward(django_apps, None)

    assert stored("commissioner_complaint") == EMAIL_TEMPLATES["commissioner_complaint", "foia"]
    assert stored("second_chaser") == EMAIL_TEMPLATES["second_chaser", "foia"]
    assert stored("second_chaser", "foisa")[0] == "Edited"
    for key, regime in letters_migration.OLD_TEMPLATES:
        subject, body = stored(key, regime)
        assert "Our chasers" not in body and "Second reminder" not in subject
        assert "{chasers_sent}" in body or (key, regime) == ("second_chaser", "foisa")


def test_it_converts_the_simple_variables_of_an_edited_template():
    EmailTemplate.objects.filter(key="chaser", regime="foia").update(
        subject="Late{% if request.reference %}: {{ request.reference }}{% endif %} ({{force}})",
        body='{{ force.name }}: due {{ due_date|date:"j F Y" }}, {{ days_overdue }} days. '
        "{Braces} stay text. {{ campaign.title }} / {{ campaign }} / {{ request.reference }}",
    )

    convert()

    assert stored("chaser") == (
        "Late{reference_suffix} ({force})",
        "{force}: due {due_date}, {days_overdue} days. {{Braces}} stay text. "
        "{campaign} / {campaign} / {reference}",
    )


@pytest.mark.parametrize(
    "body",
    [
        "{% if days_overdue > 10 %}Very late.{% endif %}",
        "{{ force.short_name }}",
        "{{ due_date|date:'d/m/Y' }}",
        "{{ force.requests.last.figures.last.verified_by.password }}",
    ],
)
def test_it_resets_a_template_it_cannot_convert_and_logs_the_old_text(body, caplog):
    EmailTemplate.objects.filter(key="chaser", regime="foia").update(body=body)

    with caplog.at_level(logging.WARNING):
        convert()

    assert stored("chaser") == EMAIL_TEMPLATES["chaser", "foia"]
    assert "reset to the default" in caplog.text and body in caplog.text


def test_it_converts_campaign_wording():
    old_default = CampaignFactory(
        request_wording="Under the Act, the figures {{ force }} holds for "
        '"{{ campaign.title }}" for {{ periods }}.'
    )

    convert()

    old_default.refresh_from_db()
    assert old_default.request_wording == (
        'Under the Act, the figures {force} holds for "{campaign}" for {periods}.'
    )
    old_default.full_clean()


def test_it_leaves_wording_it_cannot_convert_which_then_cannot_be_sent(caplog):
    wording = "{% for period in campaign.periods %}{{ period }}{% endfor %}"
    foi_request = FOIRequestFactory(campaign=CampaignFactory(request_wording=wording))

    with caplog.at_level(logging.WARNING):
        convert()

    foi_request.campaign.refresh_from_db()
    assert foi_request.campaign.request_wording == wording
    assert foi_request.campaign.slug in caplog.text
    with pytest.raises(messaging.MessageError, match="is template syntax"):
        messaging.render("request", foi_request)
    # Its chasers do not use the wording: they still go.
    subject, _ = messaging.render("chaser", foi_request)
    assert subject.startswith("Overdue FOI request")


def test_it_leaves_text_already_written_with_placeholders():
    EmailTemplate.objects.filter(key="chaser", regime="foia").update(body="{force} {due_date}")
    campaign = CampaignFactory(request_wording="{force}: {periods}")

    convert()

    assert stored("chaser")[1] == "{force} {due_date}"
    campaign.refresh_from_db()
    assert campaign.request_wording == "{force}: {periods}"
    assert stored("request") == EMAIL_TEMPLATES["request", "foia"]


def test_it_cites_section_10_in_a_chaser_left_as_its_old_default_and_keeps_an_edited_one():
    (key, regime), (subject, body) = next(iter(chaser_migration.OLD_TEMPLATES.items()))
    EmailTemplate.objects.filter(key=key, regime=regime).update(subject=subject, body=body)

    chaser_migration.forward(django_apps, None)

    assert stored(key, regime) == EMAIL_TEMPLATES[key, regime]
    assert "under section 10 of {act}" in stored(key, regime)[1]
    edited = body.replace("as soon as possible", "within a week")
    EmailTemplate.objects.filter(key=key, regime=regime).update(body=edited)
    chaser_migration.forward(django_apps, None)
    assert stored(key, regime)[1] == edited
