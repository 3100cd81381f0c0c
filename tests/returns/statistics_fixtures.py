"""A round built from the press figures in docs/domain.md, shared by the statistics tests.

2015/16: 3,903 offences from 39 forces; 2016/17: 5,653 (+44.8%, 15.5 a day); most common victim
age 13 (257); youngest 3; 97 aged 10 and under; Northumbria 98 -> 323; West Mercia 114 -> 213;
Durham 190 with the previous year not held.
"""

from django.utils import timezone

from forces.models import Force, Under18Population
from returns.models import Figure
from tests.factories import CampaignFactory, FigureFactory, FOIRequestFactory

AGES_2016 = {
    "3": 2, "4": 3, "5": 4, "6": 5, "7": 8, "8": 10, "9": 25, "10": 40,
    "11": 80, "12": 150, "13": 257, "14": 250, "15": 220, "16": 180, "17": 120,
}  # fmt: skip
UNKNOWN_AGE_2016 = 30
WEST_MERCIA_ONLY_2015 = "Cleveland Police"  # reported 2015/16, nothing for 2016/17
NOT_REPORTING_2015 = {
    "Durham Constabulary": Figure.Status.NOT_HELD,
    "Cheshire Constabulary": Figure.Status.SUPPRESSED,
    "Cumbria Constabulary": Figure.Status.NOT_PROVIDED,
}
NO_FIGURES_AT_ALL = "Dyfed-Powys Police"


def england_and_wales_forces():
    return list(
        Force.objects.filter(
            nation__in=[Force.Nation.ENGLAND, Force.Nation.WALES],
            kind=Force.Kind.TERRITORIAL,
        ).order_by("name")
    )


def spread(total, count):
    """`count` whole numbers adding up to `total`."""
    base, remainder = divmod(total, count)
    return [base + 1 if index < remainder else base for index in range(count)]


def figure(request, period, *, entered_by, verified_by, breakdown="", category="", **fields):
    verified = {"verified_by": verified_by, "verified_at": timezone.now()} if verified_by else {}
    return FigureFactory(
        request=request,
        period=period,
        breakdown=breakdown,
        category=category,
        entered_by=entered_by,
        **verified,
        **fields,
    )


def suppressed(raw="<5"):
    return {"status": Figure.Status.SUPPRESSED, "value": None, "raw_value": raw}


def press_round(entered_by, verified_by, slug="press-round"):
    """The campaign, with every figure verified by `verified_by`; returns the campaign."""
    campaign = CampaignFactory(slug=slug, periods=["2015/16", "2016/17"])
    forces = england_and_wales_forces()
    assert len(forces) == 43
    requests = {force.name: FOIRequestFactory(campaign=campaign, force=force) for force in forces}
    who = {"entered_by": entered_by, "verified_by": verified_by}

    special = {"Northumbria Police", "West Mercia Police", WEST_MERCIA_ONLY_2015, NO_FIGURES_AT_ALL}
    both_years = [
        name for name in requests if name not in special and name not in NOT_REPORTING_2015
    ]
    assert len(both_years) == 36
    headline = {
        "2015/16": {"Northumbria Police": 98, "West Mercia Police": 114, WEST_MERCIA_ONLY_2015: 50},
        "2016/17": {
            "Northumbria Police": 323,
            "West Mercia Police": 213,
            "Durham Constabulary": 190,
        },
    }
    for period, total in (("2015/16", 3903), ("2016/17", 5653)):
        rest = spread(total - sum(headline[period].values()), len(both_years))
        headline[period].update(zip(both_years, rest, strict=True))
    for period, values in headline.items():
        for name, value in values.items():
            figure(requests[name], period, value=value, **who)
    for name, status in NOT_REPORTING_2015.items():
        cell = suppressed("*") if status == Figure.Status.SUPPRESSED else {"status": status}
        figure(requests[name], "2015/16", **{"value": None, **cell}, **who)

    # Victim ages for 2016/17, split across two forces so that the sums matter.
    first, second = requests["Northumbria Police"], requests["West Mercia Police"]
    for age, count in AGES_2016.items():
        figure(first, "2016/17", breakdown="victim_age", category=age, value=count // 2, **who)
        figure(
            second, "2016/17", breakdown="victim_age", category=age, value=count - count // 2, **who
        )
    figure(
        first, "2016/17", breakdown="victim_age", category="Unknown", value=UNKNOWN_AGE_2016, **who
    )
    # A zero for age 1 and under 1, and a suppressed age 2: none is a youngest victim.
    figure(
        requests["Durham Constabulary"],
        "2016/17",
        breakdown="victim_age",
        category="1",
        value=0,
        **who,
    )
    figure(
        requests["Durham Constabulary"],
        "2016/17",
        breakdown="victim_age",
        category="Under 1",
        value=0,
        **who,
    )
    figure(
        requests["Durham Constabulary"],
        "2016/17",
        breakdown="victim_age",
        category="2",
        **suppressed(),
        **who,
    )
    # Another breakdown is never summed into the victim-age figures.
    figure(first, "2016/17", breakdown="offence_type", category="Rape", value=40, **who)

    Under18Population.objects.create(force=first.force, year=2016, under_18=300_000)
    return campaign


def add_unverified(campaign, entered_by):
    """Figures nobody has verified: counted only by a preview."""
    request = campaign.requests.get(force__name=NO_FIGURES_AT_ALL)
    figure(request, "2016/17", value=1000, entered_by=entered_by, verified_by=None)
    figure(
        request, "2016/17", breakdown="victim_age", category="2", value=7,
        entered_by=entered_by, verified_by=None,
    )  # fmt: skip
