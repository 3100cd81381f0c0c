"""Charts of a campaign's statistics, drawn server-side by matplotlib (Agg) as PNG or SVG.

Each function takes the statistics payload (and, for ages, the age counts) and returns a
matplotlib Figure; `render` turns it into bytes. Nothing here touches the database.

matplotlib is imported when the first chart is drawn, not with this module: the URLconf
imports it, and importing matplotlib costs most of a second on every web worker's start.
"""

import io

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


def _note_empty(axes, text):
    axes.text(0.5, 0.5, text, ha="center", va="center", transform=axes.transAxes, color="grey")


def age_chart(payload, age_counts, period):
    chart, axes = _chart(f"Victims by age, {period}")
    counts = {int(age): count for age, count in (age_counts.get(period) or {}).items()}
    if counts:
        ages = list(range(min(counts), max(counts) + 1))
        axes.bar(ages, [counts.get(age, 0) for age in ages], color=BLUE)
        axes.set_xticks(ages)
        axes.set_xlabel("Age of victim (years)")
        axes.set_ylabel("Offences")
    else:
        _note_empty(axes, "No single-year ages reported")
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
            labels=[f"{row['total']:,}\n{row['forces_reporting']} forces" for row in rows],
            fontsize=8,
        )
        axes.set_ylabel("Offences")
        axes.margins(y=0.2)
    else:
        _note_empty(axes, "No force has reported a total")
    return chart


CHARTS = {
    "ages": lambda payload, age_counts, period: age_chart(payload, age_counts, period),
    "forces": lambda payload, age_counts, period: forces_chart(payload, period),
    "years": lambda payload, age_counts, period: years_chart(payload, period),
}
