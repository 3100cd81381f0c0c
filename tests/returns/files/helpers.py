"""A campaign asking three forces, and ways to write returns files for it."""

import io
from pathlib import Path

import openpyxl

from returns.models import Figure
from tests.factories import CampaignFactory, FOIRequestFactory, force

HERE = Path(__file__).parent
HEADER = "force,period,measure,breakdown,category,value,note\n"
ASKED = ["Northumbria Police", "Durham Constabulary", "West Mercia Police"]


def make_campaign(slug="ocso-2017", periods=("2015/16", "2016/17")):
    campaign = CampaignFactory(slug=slug, periods=list(periods))
    for name in ASKED:
        FOIRequestFactory(campaign=campaign, force=force(name))
    return campaign


def csv_bytes(*lines, header=HEADER, encoding="utf-8"):
    return (header + "".join(line + "\n" for line in lines)).encode(encoding)


def xlsx_bytes(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cells(campaign):
    """{(force, period, breakdown, category): (status, value, raw_value, note)}"""
    return {
        (f.request.force.name, f.period, f.breakdown, f.category): (
            f.status,
            f.value,
            f.raw_value,
            f.note,
        )
        for f in Figure.objects.filter(request__campaign=campaign).select_related("request__force")
    }
