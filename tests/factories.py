"""factory_boy factories shared by every test module."""

import datetime

import factory
from django.contrib.auth.models import Group, User

from forces.models import Force
from returns.models import Campaign, Figure, FOIRequest


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@charity.example")
    is_staff = True
    password = factory.django.Password("correct horse battery")

    @factory.post_generation
    def roles(user, create, extracted, **kwargs):
        for name in extracted or []:
            user.groups.add(Group.objects.get(name=name))


def force(name):
    """A force from the directory the migrations load."""
    return Force.objects.get(name=name)


class ForceFactory(factory.django.DjangoModelFactory):
    """A made-up force, for cases the real directory cannot show."""

    class Meta:
        model = Force

    name = factory.Sequence(lambda n: f"Testshire Police {n}")
    short_name = factory.LazyAttribute(lambda f: f.name.replace(" Police", ""))
    nation = Force.Nation.ENGLAND
    regime = "foia"
    foi_email = factory.LazyAttribute(
        lambda f: f"foi@{f.short_name.lower().replace(' ', '')}.example"
    )


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    title = factory.Sequence(lambda n: f"Online child sexual offences, round {n}")
    slug = factory.Sequence(lambda n: f"round-{n}")
    measure = "online_child_sexual_offences"
    request_wording = (
        "Please tell me how many sexual offences against under-18s {force} recorded with an "
        "online flag in each of the financial years {periods}."
    )
    periods = factory.LazyFunction(lambda: ["2015/16", "2016/17"])


class FOIRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FOIRequest

    campaign = factory.SubFactory(CampaignFactory)
    force = factory.LazyFunction(lambda: force("Northumbria Police"))
    status = FOIRequest.Status.AWAITING
    sent_on = datetime.date(2026, 1, 5)
    received_on = datetime.date(2026, 1, 5)


class FigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Figure

    request = factory.SubFactory(FOIRequestFactory)
    period = "2016/17"
    measure = factory.LazyAttribute(lambda figure: figure.request.campaign.measure)
    breakdown = ""
    category = ""
    status = Figure.Status.REPORTED
    value = 10
