"""The template file offered on the figures Import page: the long format's header and one example
row of each kind of cell (docs/file-formats.md, Returns file format)."""

import csv
import io

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from returns import roles
from returns.importing.rows import COLUMNS
from returns.views.access import staff_page

MEASURE = "online_child_sexual_offences"
EXAMPLE_ROWS = [
    # force, period, measure, breakdown, category, value, note
    ("Northumbria Police", "2016/17", MEASURE, "", "", "323", ""),
    ("Northumbria Police", "2016/17", MEASURE, "victim_age", "13", "41", ""),
    (
        "Northumbria Police",
        "2016/17",
        MEASURE,
        "offence_type",
        "Sexual communication with a child",
        "57",
        "",
    ),
    ("Northumbria Police", "2016/17", MEASURE, "victim_age", "3", "<5", ""),
    ("Durham Constabulary", "2015/16", MEASURE, "", "", "", "not held"),
]


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(EXAMPLE_ROWS)
    return out.getvalue()


@staff_page(roles.IMPORT_FIGURES)
@require_GET
def import_template(request):
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="figures-import-template.csv"'
    return response
