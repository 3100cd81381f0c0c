"""Hand entry: figures typed in on the FOI request page for a force that replied in prose."""

import pytest
from django.urls import reverse
from django.utils import timezone

from returns.admin.figures import FigureEntryForm
from returns.models import Campaign, Figure
from tests.factories import FigureFactory
from tests.returns.files.helpers import make_campaign

pytestmark = pytest.mark.django_db


def entry(request, **data):
    form = FigureEntryForm(
        data={"breakdown": "", "category": "", "raw_value": "", "note": "", **data},
        instance=Figure(request=request),
    )
    return form


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"period": "2016/17", "status": "reported"}, "value", "needs its number"),
        ({"period": "2016/17", "status": "not_held", "value": 3}, "value", "Only a reported"),
        ({"period": "2019/20", "status": "reported", "value": 3}, "period", "not asked"),
        ({"period": "2016/17", "status": "suppressed"}, "raw_value", "e.g. <5"),
    ],
)
def test_it_explains_a_bad_entry_on_its_field(data, field, message):
    request = make_campaign().requests.first()

    form = entry(request, **data)

    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_it_normalises_the_entry_like_a_file_row():
    request = make_campaign().requests.first()

    form = entry(
        request,
        period="2016-17",
        breakdown="Victim age",
        category="Under 1",
        status="reported",
        value=2,
    )

    assert form.is_valid(), form.errors
    figure = form.save()
    assert (figure.period, figure.breakdown, figure.category, figure.measure) == (
        "2016/17",
        "victim_age",
        "0",
        request.campaign.measure,
    )


def test_it_saves_inline_entries_on_the_request_page(client, caseworker, verifier):
    campaign = make_campaign()
    request = campaign.requests.get(force__name="Durham Constabulary")
    old = FigureFactory(request=request, period="2015/16", value=100)
    Figure.objects.filter(pk=old.pk).update(verified_by=verifier, verified_at=timezone.now())
    url = reverse("admin:returns_foirequest_change", args=[request.pk])
    client.force_login(caseworker)
    page = client.get(url)
    assert page.status_code == 200
    assert reverse("admin:returns_figure_import_table", args=[request.pk]) in page.content.decode()

    form = page.context["adminform"].form
    formsets = page.context["inline_admin_formsets"]
    post = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        post[name] = [str(v) for v in value] if isinstance(value, list | tuple) else value
    for inline in formsets:
        management = inline.formset.management_form
        for name in management.fields:
            post[f"{management.prefix}-{name}"] = management[name].value()
        for inline_form in inline.formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None:
                    post[f"{inline_form.prefix}-{name}"] = value
    figures = next(i for i in formsets if i.formset.model is Figure).formset
    prefix = figures.prefix
    post[f"{prefix}-0-value"] = 98  # corrected by hand
    post[f"{prefix}-TOTAL_FORMS"] = 2
    post.update(
        {
            f"{prefix}-1-period": "2016/17",
            f"{prefix}-1-status": "not_held",
            f"{prefix}-1-note": "Force's letter: not held",
            f"{prefix}-1-breakdown": "",
            f"{prefix}-1-category": "",
            f"{prefix}-1-raw_value": "",
            f"{prefix}-1-request": request.pk,
        }
    )
    version = Campaign.objects.get(pk=campaign.pk).data_version

    response = client.post(url, post)

    assert response.status_code == 302, response.context and [
        f.errors for i in response.context["inline_admin_formsets"] for f in i.formset.forms
    ]
    old.refresh_from_db()
    assert (old.value, old.entered_by, old.verified_at) == (98, caseworker, None)
    new = Figure.objects.get(period="2016/17", request=request)
    assert (new.status, new.entered_by, new.import_batch) == ("not_held", caseworker, None)
    assert Campaign.objects.get(pk=campaign.pk).data_version > version
