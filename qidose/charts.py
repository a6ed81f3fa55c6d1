"""Charts for the board paper, drawn with matplotlib from a ``report.Chart``.

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
    from matplotlib.figure import Figure
    from matplotlib.ticker import StrMethodFormatter

    rc = {"font.family": "sans-serif", "font.sans-serif": FONTS, "font.size": 9, "text.color": TEXT,
          "axes.labelcolor": TEXT, "xtick.color": TEXT, "ytick.color": TEXT, "axes.edgecolor": "#AEB7BD",
          "svg.fonttype": "none" if inline else "path", "svg.hashsalt": chart.id}
    categories = list(chart.categories)
    n = len(categories)
    with matplotlib.rc_context(rc):
        per_row = 0.5 if len(chart.panels[0].series) > 1 and len(chart.panels) > 1 else 0.3
        fig = Figure(figsize=(7.2, max(2.6, per_row * n + 1.1)), layout="constrained")
        FigureCanvasAgg(fig)
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
            ax.tick_params(axis="x", labelsize=7.5)
            ax.tick_params(axis="y", length=0)
            ax.grid(axis="x", color="#E8EDEE", linewidth=0.8)
            ax.set_axisbelow(True)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        wrap = 24 if len(chart.panels) > 1 else 34
        axes[0].set_yticks(ys, labels=[textwrap.fill(c, wrap) for c in categories])
        axes[0].set_ylim(n - 0.5, -0.5)      # the first category at the top
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside upper center", ncols=len(labels), frameon=False)
        out = io.BytesIO()
        if fmt == "png":
            fig.savefig(out, format="png", dpi=200, metadata={"Software": None})
            return out.getvalue()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    svg = out.getvalue().decode("utf-8")
    return _inline(svg, chart.id) if inline else svg


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
