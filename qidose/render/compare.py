"""`qidose compare`: the headline figures of each scenario side by side (table, Markdown, CSV, JSON).

Reads a ``Comparison``; computes nothing. A figure that differs from the first column (the base)
shows the difference, and in colour is highlighted.
"""

from __future__ import annotations

import csv
import io
import json

from qidose.render.columns import fmt
from qidose.trajectory import COST_LABEL

FORMATS = ("table", "json", "csv", "markdown")


def render(comparison, fmt_: str, color: bool = False) -> str:
    return {"table": _table, "json": _json, "csv": _csv, "markdown": _markdown}[fmt_](comparison, color)


def clean(value):
    """A difference as a reader expects it: 0.12 − 0.08 is 0.04, not 0.04000000000000001 (float noise
    of the subtraction, below any figure's precision, dropped: 12 significant digits are kept)."""
    if isinstance(value, float):
        return float(f"{value:.12g}") + 0.0     # + 0.0: never -0.0
    return value


def value_text(name: str, value) -> str:
    if value is None:
        return "never" if name == "years_to_target" else "–" if name != "budget_for_target" else "none reaches it"
    if name == "turnover":
        return f"{value:.1%}"
    return fmt(value)


def difference_text(column, name: str) -> str:
    """'' when the figure is as in the first column; '+12' or '(was 8)' when it differs."""
    if not column.changed[name]:
        return ""
    delta = clean(column.difference[name])
    if delta is None:
        return ""
    if name == "turnover":
        return f"{delta * 100:+.1f} pts".replace("-", "−")
    return ("+" if delta > 0 else "−" if delta < 0 else "±") + fmt(abs(delta))


def cell(comparison, column, name: str) -> str:
    text = value_text(name, column.headline[name].value)
    diff = difference_text(column, name)
    if column.changed[name] and not diff:
        first = comparison.columns[0].headline[name].value
        diff = f"was {value_text(name, first)}"
    return f"{text} ({diff})" if diff else text


def _names(comparison) -> list[str]:
    return [f"{i + 1}. {c.scenario.name}" for i, c in enumerate(comparison.columns)]


def _settings(column) -> str:
    if not column.scenario.values:
        return "as given (config, --org and options)"
    return ", ".join(f"{k} {value_text(k, v)}" for k, v in column.scenario.values.items())


def _table(comparison, color: bool) -> str:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table
    out = io.StringIO()
    console = Console(file=out, force_terminal=color, no_color=not color, width=160, highlight=False, soft_wrap=False)
    console.print("[bold]Scenarios compared[/bold] (differences are against the first column)")
    table = Table(header_style="bold")
    table.add_column("Figure", no_wrap=True)
    for name in _names(comparison):
        table.add_column(escape(name), justify="right")
    for name, label in comparison.rows:
        cells = []
        for i, column in enumerate(comparison.columns):
            text = escape(cell(comparison, column, name))
            cells.append(f"[bold yellow]{text}[/bold yellow]" if i and column.changed[name] else text)
        table.add_row(escape(label), *cells)
    console.print(table)
    for i, column in enumerate(comparison.columns):
        console.print(f"  {i + 1}. {escape(column.scenario.name)}: {escape(_settings(column))}")
    for line in _statements(comparison):
        console.print(f"  {escape(line)}")
    return out.getvalue()


def _statements(comparison) -> list[str]:
    out = []
    if comparison.currency:
        out.append(f"Costs are an {COST_LABEL} in {comparison.currency}: training hours × an hourly cost per level; "
                   f"facilitators' time is not costed.")
    return out


def _markdown(comparison, color: bool) -> str:
    def md(text) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")
    lines = ["## Scenarios compared\n", "Differences are against the first column; changed figures are in bold.\n",
             "| Figure | " + " | ".join(md(n) for n in _names(comparison)) + " |",
             "|---|" + "---:|" * len(comparison.columns)]
    for name, label in comparison.rows:
        cells = []
        for i, column in enumerate(comparison.columns):
            text = md(cell(comparison, column, name))
            cells.append(f"**{text}**" if i and column.changed[name] else text)
        lines.append(f"| {md(label)} | " + " | ".join(cells) + " |")
    lines.append("")
    lines += [f"{i + 1}. {md(c.scenario.name)}: {md(_settings(c))}" for i, c in enumerate(comparison.columns)]
    lines += [""] + [f"> {md(s)}" for s in _statements(comparison)]
    return "\n".join(lines) + "\n"


def _csv(comparison, color: bool) -> str:
    from qidose.render.csv import safe
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["figure", "label"] + [c.scenario.name for c in comparison.columns]
                    + [f"difference: {c.scenario.name}" for c in comparison.columns[1:]])
    for name, label in comparison.rows:
        writer.writerow([safe(v) for v in [name, label] + [c.headline[name].value for c in comparison.columns]
                         + [clean(c.difference[name]) for c in comparison.columns[1:]]])
    return out.getvalue()


def to_dict(comparison) -> dict:
    from qidose.render.json_ import basis
    scenarios = []
    for column in comparison.columns:
        config = column.planset.config
        scenarios.append({
            "name": column.scenario.name,
            "settings": {k: {"value": v, "origin": column.scenario.origins.get(k)} for k, v in column.scenario.values.items()},
            **{name: column.headline[name].value for name, _ in comparison.rows},
            "difference": {name: clean(column.difference[name]) for name, _ in comparison.rows if column.changed[name]},
            "basis": {name: basis(column.headline[name], config) for name, _ in comparison.rows},
            "statements": list(column.planset.trajectory.statements),
        })
    return {"reference": comparison.columns[0].scenario.name, "years": comparison.years,
            "figures": [{"name": n, "label": label} for n, label in comparison.rows], "scenarios": scenarios,
            "cost": {"label": COST_LABEL, "currency": comparison.currency} if comparison.currency else None}


def _json(comparison, color: bool) -> str:
    return json.dumps(to_dict(comparison), indent=2, ensure_ascii=False) + "\n"
