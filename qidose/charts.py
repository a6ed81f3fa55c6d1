"""Charts for the board paper, drawn with matplotlib from a ``report_types.Chart``.

matplotlib is imported inside these functions only, so no other command pays for it, and a
missing install is a UsageError that says how to get it. Drawing uses the Agg canvas on a
``Figure`` of its own: no pyplot, no global state, no display needed.
"""

from __future__ import annotations

import io
import re
import textwrap

from qidose.errors import UsageError

COLOURS = ("#005EB8", "#41B6E6")          # NHS Blue and NHS Light Blue: initial, yearly upkeep
# One colour and marker per level on the plan over the years (NHS identity colours), told apart in grey too.
LINES = ("#330072", "#AE2573", "#ED8B00", "#005EB8", "#009639", "#41B6E6", "#425563", "#FFB81C")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
ACCENT = "#DA291C"                          # NHS Red: the budget line
GRID = "#E8EDEE"
TEXT = "#231F20"
FONTS = ["DejaVu Sans", "Arial", "Liberation Sans", "Helvetica"]
CSS_FONTS = "Arial, 'Liberation Sans', Helvetica, 'DejaVu Sans', sans-serif"


def require() -> None:
    """Fail early, before reading the staff list, if matplotlib cannot be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UsageError("qidose report draws its chart with matplotlib, which is not installed in this "
                         "Python: install it with `pip install matplotlib` (a plain `pip install qidose` "
                         "includes it), then run the report again") from None


def draw(chart, fmt: str, inline: bool = False) -> str | bytes:
    """The chart as SVG text (fmt 'svg') or PNG bytes (fmt 'png').

    inline=True: SVG to put inside an HTML page: text kept as text (selectable, small), no XML
    header, and every id prefixed with the chart's id so two charts on a page cannot clash.
    """
    require()
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    rc = {"font.family": "sans-serif", "font.sans-serif": FONTS, "font.size": 9, "text.color": TEXT,
          "axes.labelcolor": TEXT, "xtick.color": TEXT, "ytick.color": TEXT, "axes.edgecolor": "#AEB7BD",
          "svg.fonttype": "none" if inline else "path", "svg.hashsalt": chart.id}
    with matplotlib.rc_context(rc):
        fig = _years(chart) if getattr(chart, "kind", "bars") == "years" else _bars(chart)
        FigureCanvasAgg(fig)
        out = io.BytesIO()
        if fmt == "png":
            fig.savefig(out, format="png", dpi=200, metadata={"Software": None})
            return out.getvalue()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    svg = out.getvalue().decode("utf-8")
    return _inline(svg, chart.id) if inline else svg


_WITHHELD = "Withheld: levels with small\nnumbers, and what depends on them"


def _bars(chart):
    """Horizontal bars: a row per category (level or group), a panel per measure (people, hours)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import StrMethodFormatter

    categories = list(chart.categories)
    n = len(categories)
    per_row = 0.5 if len(chart.panels[0].series) > 1 and len(chart.panels) > 1 else 0.3
    fig = Figure(figsize=(7.2, max(2.6, per_row * n + 1.1)), layout="constrained")
    axes = fig.subplots(1, len(chart.panels), sharey=True, squeeze=False)[0]
    ys = list(range(n))
    height = 0.8 / max(1, len(chart.panels[0].series))
    for ax, panel in zip(axes, chart.panels):
        top = max([v for s in panel.series for v in s.values if v is not None] + [1])
        for i, series in enumerate(panel.series):
            offset = (i - (len(panel.series) - 1) / 2) * height
            positions = [y + offset for y in ys]
            values = [v if v is not None else 0 for v in series.values]
            bars = ax.barh(positions, values, height=height * 0.92, color=COLOURS[i % len(COLOURS)],
                           label=series.label)
            labels = [m if m else _number(v) for v, m in zip(series.values, series.markers)]
            ax.bar_label(bars, labels=labels, padding=2, fontsize=7.5)
        ax.set_title(panel.title, loc="left", fontsize=10, fontweight="bold")
        ax.set_xlim(0, top * 1.22)
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        if all(v is None for s in panel.series for v in s.values):   # every bar withheld: no scale to read
            ax.set_xticks([])
            ax.text(0.5, 0.5, _WITHHELD, transform=ax.transAxes, ha="center", va="center", fontsize=8, color=TEXT)
        ax.tick_params(axis="x", labelsize=7.5)
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", color=GRID, linewidth=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    wrap = 24 if len(chart.panels) > 1 else 34
    axes[0].set_yticks(ys, labels=[textwrap.fill(c, wrap) for c in categories])
    axes[0].set_ylim(n - 0.5, -0.5)      # the first category at the top
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside upper center", ncols=len(labels), frameon=False)
    return fig


def _years(chart):
    """The plan over the years: each level's coverage of its target (lines, from now), and the
    learning hours used each year against the budget (bars and a dashed line)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import FixedLocator, PercentFormatter, StrMethodFormatter

    fig = Figure(figsize=(7.2, 3.9), layout="constrained")
    cover, hours = fig.subplots(1, 2, width_ratios=(1.35, 1))
    n = chart.years
    ticks = _year_ticks(n)
    for i, line in enumerate(chart.lines):
        xs, ys = zip(*line.points)
        # wider lines below narrower ones, so levels that share a value (100% from year 1) all show
        width = 1.2 + 2.2 * (len(chart.lines) - 1 - i) / max(1, len(chart.lines) - 1)
        cover.plot(xs, [y * 100 for y in ys], color=LINES[line.index % len(LINES)], linewidth=width,
                   marker=MARKERS[line.index % len(MARKERS)], markersize=3 + width, label=line.label, zorder=2 + i,
                   solid_capstyle="round", clip_on=False)
    cover.axhline(100, color=TEXT, linewidth=0.8, linestyle=(0, (4, 3)), zorder=1)
    cover.set_ylim(0, 104)
    cover.set_xlim(-0.25, n + 0.25)
    cover.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    cover.xaxis.set_major_locator(FixedLocator(ticks))
    cover.set_xticklabels(["Now" if t == 0 else str(t) for t in ticks])
    cover.set_xlabel("End of year")
    cover.set_title("Coverage of each level's target", loc="left", fontsize=10, fontweight="bold")

    years = list(range(1, n + 1))
    used = chart.hours if chart.hours is not None else ()     # None: withheld by --suppress-below
    bars = hours.bar(years[:len(used)], used, width=0.7, color=COLOURS[0], label="Learning hours used")
    top = max(list(used) + [chart.budget or 0, 1])
    if chart.hours is None:
        hours.text(0.5, 0.5, "Withheld: the hours add up\nlevels with small numbers", transform=hours.transAxes,
                   ha="center", va="center", fontsize=8, color=TEXT)
        hours.set_yticks([])
    if not chart.lines:
        cover.text(0.5, 0.5, _WITHHELD, transform=cover.transAxes, ha="center", va="center", fontsize=8, color=TEXT)
    elif n <= 8:     # each bar's figure above it, on white so the budget line never runs through it
        texts = hours.bar_label(bars, labels=[_number(v) for v in used], padding=2, fontsize=7, zorder=5)
        for text in texts:
            text.set_bbox({"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"})
    if chart.budget is not None:
        hours.axhline(chart.budget, color=ACCENT, linewidth=1.4, linestyle=(0, (5, 3)), zorder=3)
        hours.annotate(f"Budget\n{_number(chart.budget)}", (1, chart.budget), xycoords=("axes fraction", "data"),
                       xytext=(4, 0), textcoords="offset points", ha="left", va="center", fontsize=7.5,
                       color=ACCENT, fontweight="bold", annotation_clip=False)
    hours.set_ylim(0, top * 1.2)
    hours.set_xlim(0.4, n + 0.6)
    hours.xaxis.set_major_locator(FixedLocator([t for t in ticks if t] or [1]))
    hours.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    hours.set_xlabel("Year")
    hours.set_title("Learning hours used each year", loc="left", fontsize=10, fontweight="bold")
    for ax in (cover, hours):
        ax.tick_params(labelsize=7.5)
        ax.grid(axis="y", color=GRID, linewidth=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    handles, labels = cover.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3, frameon=False, fontsize=7.5)
    return fig


def _year_ticks(n: int) -> list[int]:
    step = 1 if n <= 10 else 2 if n <= 20 else 5
    return [t for t in range(0, n + 1) if t % step == 0 or t == n]


def _number(value) -> str:
    from qidose.plan import num
    return "" if value is None else num(value)


def _inline(svg: str, prefix: str) -> str:
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r'url\(#([^)]+)\)', lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"font-family:\s*'?DejaVu Sans'?", f"font-family: {CSS_FONTS}", svg)
    return svg.strip()
