"""Staff-written text (request wording, email templates) is filled from named placeholders only.

The attack of issue #10: a caseworker who may edit a campaign wrote template syntax reaching
through the force's relations into a colleague's password hash, and had it emailed to a force.
"""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from returns import messaging, placeholders
from returns.defaults import EMAIL_TEMPLATES
from returns.models import Campaign, EmailTemplate, Figure, FOIRequest
from returns.rounds import DEFAULT_WORDING
from tests.factories import CampaignFactory, FigureFactory, FOIRequestFactory, force

ATTACK = "Figures for {{ force.requests.last.figures.last.verified_by.password }} please."
ATTRIBUTE = "Figures for {force.requests} please."


@pytest.fixture
def verified_figure(verifier):
    figure = FigureFactory(request=FOIRequestFactory(force=force("Northumbria Police")))
    Figure.objects.filter(pk=figure.pk).update(verified_by=verifier)
    figure.refresh_from_db()
    return figure


# --- The pure module


def test_it_fills_placeholders_with_the_strings_given():
    text = "Dear {force} FOI team, about {campaign} ({periods})."
    values = {"force": "Northumbria Police", "campaign": "OCSO 2017", "periods": "2015/16"}

    assert placeholders.fill(text, values) == (
        "Dear Northumbria Police FOI team, about OCSO 2017 (2015/16)."
    )


def test_it_writes_a_brace_itself_twice():
    assert placeholders.fill("{{not a placeholder}} {force}", {"force": "Gwent Police"}) == (
        "{not a placeholder} Gwent Police"
    )


@pytest.mark.parametrize(
    "text, problem",
    [
        ("{force.name}", "{force.name} is not a placeholder"),
        ("{force!r}", "{force!r} is not a placeholder"),
        ("{force:>10}", "{force:>10} is not a placeholder"),
        ("{0}", "{0} is not a placeholder"),
        ("{}", "{} is not a placeholder"),
        ("{force[0]}", "{force[0]} is not a placeholder"),
        ("{password}", "Unknown placeholder: {password}."),
        ("{due_date}", "Unknown placeholder: {due_date}."),
        ("{{ force }}", "{{ force }} is template syntax"),
        ("{{force.name|upper}}", "{{force.name|upper}} is template syntax"),
        ("{% if request.reference %}x{% endif %}", "{% if request.reference %} is template syntax"),
        ("{# note #}", "{# note #} is template syntax"),
        ("a { b", 'A lone "{" is not a placeholder'),
        ("a } b", 'A lone "}" is not a placeholder'),
    ],
)
def test_it_refuses_anything_but_an_allowed_name_in_braces(text, problem):
    with pytest.raises(placeholders.PlaceholderError) as refused:
        placeholders.validate(text, placeholders.WORDING)

    assert problem in str(refused.value)
    assert "Allowed here: {force}, {campaign}, {periods}, {act}." in str(refused.value)


def test_it_lists_the_placeholders_a_text_uses():
    assert placeholders.placeholders_in("{force} {{ x {periods} }} {force}") == [
        "force",
        "periods",
        "force",
    ]


def test_it_refuses_to_fill_with_anything_but_strings(foi_request):
    with pytest.raises(TypeError, match="must be strings: force"):
        placeholders.fill("{force}", {"force": foi_request.force})


def test_it_formats_dates_as_a_letter_does():
    assert placeholders.format_date(date(2015, 1, 5)) == "5 January 2015"
    assert placeholders.format_date(date(2014, 12, 25)) == "25 December 2014"
    assert placeholders.format_date(None) == ""


# --- Filling the app's messages


@pytest.fixture
def foi_request(db):
    campaign = CampaignFactory(
        title="Online child sexual offences 2017", periods=["2015/16", "2016/17", "2017/18"]
    )
    return FOIRequestFactory(
        campaign=campaign,
        force=force("Northumbria Police"),
        sent_on=date(2014, 12, 2),
        received_on=date(2014, 12, 2),
        reference="NP/FOI/123",
        internal_review_requested_on=date(2015, 2, 2),
    )


def test_it_fills_every_placeholder_of_an_email_template_exactly(foi_request):
    EmailTemplate.objects.filter(key="chaser", regime="foia").update(
        subject="{reference}{reference_suffix}",
        body="\n".join(f"{name}={{{name}}}" for name in placeholders.EMAIL),
    )

    subject, body = messaging.render("chaser", foi_request, on_date=date(2015, 1, 12))

    assert subject == "NP/FOI/123 (your reference NP/FOI/123)"
    assert body.splitlines() == [
        "force=Northumbria Police",
        "campaign=Online child sexual offences 2017",
        "periods=2015/16, 2016/17 and 2017/18",
        "act=the Freedom of Information Act 2000",
        "commissioner=the Information Commissioner",
        "reference=NP/FOI/123",
        "reference_suffix= (your reference NP/FOI/123)",
        "received_on=2 December 2014",
        # The published worked example: Christmas, Boxing Day, 1 and 2 January skipped.
        "due_date=5 January 2015",
        "days_overdue=5",  # Tue 6 to Mon 12 January
        "review_requested_on=2 February 2015",
        "review_due_date=2 March 2015",
        "on_date=12 January 2015",
        "chasers_sent=",  # no chaser was sent
        "wording=Please tell me how many sexual offences against under-18s Northumbria Police "
        "recorded with an online flag in each of the financial years 2015/16, 2016/17 and "
        "2017/18.",
    ]


def test_it_leaves_out_a_reference_the_force_did_not_give(foi_request):
    foi_request.reference = ""
    foi_request.save()

    subject, _ = messaging.render("chaser", foi_request, on_date=date(2015, 1, 12))

    assert subject == "Overdue FOI request: Online child sexual offences 2017"


def test_it_puts_the_reference_in_the_default_subjects(foi_request):
    subject, _ = messaging.render("internal_review", foi_request, on_date=date(2015, 2, 2))

    assert subject == "Request for internal review (your reference NP/FOI/123)"


def test_it_shows_the_campaign_title_in_the_default_request(foi_request):
    foi_request.campaign.request_wording = DEFAULT_WORDING
    foi_request.campaign.save()

    subject, body = messaging.render("request", foi_request)

    assert subject == "Freedom of Information request: Online child sexual offences 2017"
    assert (
        'the figures Northumbria Police holds for "Online child sexual offences 2017" for each '
        "of the financial years 2015/16, 2016/17 and 2017/18 (1 April to 31 March)" in body
    )


def test_it_never_renders_a_secret_from_wording_stored_without_the_form(verified_figure):
    campaign = verified_figure.request.campaign
    Campaign.objects.filter(pk=campaign.pk).update(request_wording=ATTACK)
    foi_request = FOIRequest.objects.get(pk=verified_figure.request.pk)

    with pytest.raises(messaging.MessageError, match="is template syntax") as refused:
        messaging.render("request", foi_request)

    assert f'The request wording of campaign "{campaign}"' in str(refused.value)
    assert verified_figure.verified_by.password not in str(refused.value)


def test_it_names_the_template_holding_an_unknown_placeholder(foi_request):
    EmailTemplate.objects.filter(key="chaser", regime="foia").update(body="{force.name}")

    with pytest.raises(messaging.MessageError, match="body of the email template Chaser"):
        messaging.render("chaser", foi_request)


# --- Refused on save: the admin forms and create_campaign


def add_campaign(client, wording):
    return client.post(
        "/admin/returns/campaign/add/",
        {
            "title": "Online child sexual offences 2026",
            "slug": "ocso-2026",
            "measure": "online_child_sexual_offences",
            "periods": "2024/25, 2025/26",
            "request_wording": wording,
            "nations": ["wales"],
            "sent_on": "",
        },
    )


@pytest.mark.parametrize("wording", [ATTACK, ATTRIBUTE])
def test_it_refuses_the_attack_in_the_campaign_form(client, caseworker, wording):
    client.force_login(caseworker)

    response = add_campaign(client, wording)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["request_wording"]
    assert "is not a placeholder" in errors["request_wording"][0] or (
        "is template syntax" in errors["request_wording"][0]
    )
    assert not Campaign.objects.exists()


def test_it_refuses_an_unknown_placeholder_when_a_campaign_is_edited(client, caseworker):
    campaign = CampaignFactory()
    client.force_login(caseworker)

    response = client.post(
        f"/admin/returns/campaign/{campaign.pk}/change/",
        {
            "title": campaign.title,
            "slug": campaign.slug,
            "measure": campaign.measure,
            "periods": "2015/16",
            "request_wording": "Figures from {forces} please.",
        },
    )

    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["request_wording"]
    assert error.startswith("Unknown placeholder: {forces}. Allowed here: {force}, {campaign}")
    campaign.refresh_from_db()
    assert "{forces}" not in campaign.request_wording


def test_it_accepts_wording_with_the_allowed_placeholders(client, caseworker):
    client.force_login(caseworker)

    response = add_campaign(client, "Figures {force} holds for {campaign}, {periods}, {act}.")

    assert response.status_code == 302
    assert Campaign.objects.get().request_wording.startswith("Figures {force} holds")


def test_it_lists_the_placeholders_beside_the_wording(client, caseworker):
    client.force_login(caseworker)

    page = client.get("/admin/returns/campaign/add/").content.decode()

    assert "{periods}: the periods asked for, e.g. 2015/16, 2016/17 and 2017/18" in page


def template_form(client, template, **changes):
    data = {"key": template.key, "regime": template.regime}
    data |= {"subject": template.subject, "body": template.body, **changes}
    return client.post(f"/admin/returns/emailtemplate/{template.pk}/change/", data)


def test_it_shows_an_unknown_placeholder_in_an_email_template_on_its_field(client, administrator):
    template = EmailTemplate.objects.get(key="chaser", regime="foia")
    client.force_login(administrator)

    response = template_form(client, template, subject="Overdue: {reference} {ref}")

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["subject"]
    assert errors["subject"][0].startswith("Unknown placeholder: {ref}. Allowed here: {force},")
    template.refresh_from_db()
    assert "{ref}" not in template.subject


def test_it_refuses_the_attack_in_an_email_template(client, administrator):
    template = EmailTemplate.objects.get(key="request", regime="foia")
    client.force_login(administrator)

    response = template_form(client, template, body=ATTACK)

    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["body"]
    assert "is template syntax, which is not used here" in error


def test_it_saves_an_email_template_using_every_placeholder(client, administrator):
    template = EmailTemplate.objects.get(key="chaser", regime="foia")
    client.force_login(administrator)
    body = " ".join("{" + name + "}" for name in placeholders.EMAIL)

    response = template_form(client, template, body=body)

    assert response.status_code == 302
    template.refresh_from_db()
    assert template.body == body


@pytest.mark.parametrize("wording", [ATTACK, ATTRIBUTE])
def test_it_refuses_the_attack_in_create_campaign(db, wording):
    with pytest.raises(CommandError, match="request_wording: .*not|request_wording: .*template"):
        call_command(
            "create_campaign",
            "ocso",
            "--title",
            "T",
            "--measure",
            "m",
            "--periods",
            "2015/16",
            "--nations",
            "wales",
            "--wording",
            wording,
        )
    assert not Campaign.objects.exists()


def test_it_keeps_the_default_texts_within_their_placeholders():
    placeholders.validate(DEFAULT_WORDING, placeholders.WORDING)
    for subject, body in EMAIL_TEMPLATES.values():
        placeholders.validate(subject, placeholders.EMAIL)
        placeholders.validate(body, placeholders.EMAIL)
