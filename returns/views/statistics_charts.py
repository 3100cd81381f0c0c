"""Charts of a campaign's statistics, drawn server-side by matplotlib (Agg) as PNG or SVG.

Each chart takes the statistics payload, the extras stored beside it (the age counts) and a
period, and returns a matplotlib Figure; `render` turns it into bytes. Besides the year-on-year
and force-by-force charts, every breakdown whose entry in returns/breakdowns.py has a `chart` gets
one, drawn from the bars that entry gives. Nothing here touches the database.

matplotlib is imported when the first chart is drawn, not with this module: the URLconf
imports it, and importing matplotlib costs most of a second on every web worker's start.
"""

import io
from functools import partial

from returns import breakdowns
from returns.formatting import counted, number

CONTENT_TYPES = {"png": "image/png", "svg": "image/svg+xml"}
BLUE, GREY = "#1f5f99", "#a9b4c2"


def render(chart, fmt):
    buffer = io.BytesIO()
    chart.savefig(buffer, format=fmt, dpi=150 if fmt == "png" else None, bbox_inches="tight")
    return buffer.getvalue()


def _chart(title, width=8, height=4.5):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure as ChartFigure

    chart = ChartFigure(figsize=(width, height))
    axes = chart.subplots()
    axes.set_title(title, loc="left", fontsize=12)
    axes.spines[["top", "right"]].set_visible(False)
    return chart, axes


def _thousands(axis):
    """Counts on a value axis written as everywhere else: "2,000" (returns/formatting.py)."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _: number(int(value))))


def _note_empty(axes, text):
    axes.text(0.5, 0.5, text, ha="center", va="center", transform=axes.transAxes, color="grey")


def breakdown_chart(breakdown, payload, extras, period):
    """The bars of one breakdown's chart for `period`, as its registry entry gives them."""
    spec = breakdown.chart
    row = next((row for row in payload["periods"] if row["period"] == period), {})
    counts = (extras.get(breakdown.counts_key) or {}).get(period) or {}
    bars = spec.bars(breakdown, row.get(breakdown.summary_key), counts)
    labels = [label for label, _ in bars]
    height = max(3.0, 0.28 * len(bars) + 1) if spec.horizontal else 4.5
    chart, axes = _chart(f"{spec.title}, {period}", height=height)
    if not bars:
        _note_empty(axes, spec.empty_text)
    elif spec.horizontal:
        axes.barh(range(len(bars)), [value for _, value in bars], color=BLUE)
        axes.set_yticks(range(len(bars)), labels, fontsize=8)
        axes.set_xlabel("Offences")
        _thousands(axes.xaxis)
    else:
        axes.bar(range(len(bars)), [value for _, value in bars], color=BLUE)
        axes.set_xticks(range(len(bars)), labels)
        axes.set_xlabel(spec.axis_label)
        axes.set_ylabel("Offences")
        _thousands(axes.yaxis)
    return chart


def forces_chart(payload, period):
    rows = [row for row in payload["forces"] if row["period"] == period and row["total"]]
    rows.sort(key=lambda row: row["total"])
    chart, axes = _chart(f"Force by force, {period}", height=max(3.0, 0.28 * len(rows) + 1))
    if rows:
        positions = range(len(rows))
        previous = [row["previous_total"] or 0 for row in rows]
        axes.barh([p + 0.2 for p in positions], previous, height=0.4, color=GREY, label="Previous")
        axes.barh(
            [p - 0.2 for p in positions],
            [row["total"] for row in rows],
            height=0.4,
            color=BLUE,
            label=period,
        )
        axes.set_yticks(list(positions), [row["force"] for row in rows], fontsize=8)
        axes.set_xlabel("Offences")
        _thousands(axes.xaxis)
        axes.legend(loc="lower right", frameon=False)
    else:
        _note_empty(axes, "No force has reported a total")
    return chart


def years_chart(payload, period=None):
    chart, axes = _chart("Year on year")
    rows = [row for row in payload["periods"] if row["total"] is not None]
    if rows:
        labels = [row["period"] for row in rows]
        bars = axes.bar(labels, [row["total"] for row in rows], color=BLUE)
        axes.bar_label(
            bars,
            labels=[
                f"{number(row['total'])}\n{counted(row['forces_reporting'], 'force')}"
                for row in rows
            ],
            fontsize=8,
        )
        axes.set_ylabel("Offences")
        _thousands(axes.yaxis)
        axes.margins(y=0.2)
    else:
        _note_empty(axes, "No force has reported a total")
    return chart


CHARTS = {
    "years": lambda payload, extras, period: years_chart(payload, period),
    **{
        breakdown.chart.name: partial(breakdown_chart, breakdown)
        for breakdown in breakdowns.SUMMARISED
        if breakdown.chart
    },
    "forces": lambda payload, extras, period: forces_chart(payload, period),
}


def charts_of(period):
    """[(name, caption)] of the charts the statistics page shows, in order."""
    return [
        ("years", "Year on year"),
        *(
            (breakdown.chart.name, f"{breakdown.chart.title}, {period}")
            for breakdown in breakdowns.SUMMARISED
            if breakdown.chart
        ),
        ("forces", f"Force by force, {period}"),
    ]
