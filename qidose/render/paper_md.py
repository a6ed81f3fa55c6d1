"""The board paper as Markdown, with each chart as an image file beside it.

Same content as the HTML paper, read from the same ``report_types.Paper``. `paper.md` gets
`paper-chart.png` (or .svg) beside it, with --years `paper-chart-years.png`, and with --by
`paper-chart-by-directorate.png`; the Markdown links them by file name, so the folder can be
moved as a whole. Text from the staff list or the policy is backslash-escaped, so it cannot
turn into links, emphasis or HTML.
"""

from __future__ import annotations

import re
from pathlib import Path

from qidose import charts
from qidose.report_types import Cell, Paper, Table, Years

from qidose.render.columns import md


def chart_files(paper: Paper, output: str, fmt: str) -> list[tuple[str, str | bytes, str]]:
    """[(path, data, chart id)] for each chart: beside `output`, named after it."""
    stem = str(Path(output).with_suffix(""))
    out = [(f"{stem}-chart.{fmt}", paper.chart)]
    if paper.years is not None:
        out.append((f"{stem}-chart-years.{fmt}", paper.years.chart))
    if paper.group_chart is not None:
        slug = re.sub(r"[^a-z0-9]+", "-", str(paper.by).lower()).strip("-") or "group"
        out.append((f"{stem}-chart-by-{slug}.{fmt}", paper.group_chart))
    return [(path, charts.draw(chart, fmt), chart.id) for path, chart in out]


def render(paper: Paper, images: dict[str, str]) -> str:
    """`images`: chart id -> the image's file name, relative to the Markdown file."""
    out = [f"# {md(paper.title)}", "",
           f"**{md(paper.organisation)}** · {md(paper.date)} · figures as at {md(paper.as_of)}", "",
           "## Summary", ""]
    for paragraph in paper.summary:
        out += ["".join(_span(c) for c in paragraph), ""]
    out += [f"- {md(n)}" for n in paper.notes] + ([""] if paper.notes else [])
    out += ["## Training needed, by level", "", _image(paper.chart, images), ""]
    out += ["## The capacity to plan for", ""] + _table(paper.capacity) + _suppression(paper)
    if paper.years is not None:
        out += _years(paper.years, images) + _suppression(paper)
    out += ["## The dose for each level", "", md(paper.doses_intro), ""] + _table(paper.doses)
    out += ["## The organisation and what its characteristics changed", ""]
    out += _table(paper.characteristics) + _table(paper.effects)
    out += [f"- {md(t)}" for t in paper.other_effects] + [""]
    if paper.groups is not None:
        out += [f"## By {md(paper.by)}", ""] + _table(paper.groups)
        if paper.group_chart is not None:
            out += [_image(paper.group_chart, images), ""]
        out += _suppression(paper)
    out += ["## Appendix: the policy's numbers and their sources", "", md(paper.assumptions_intro), ""]
    out += _table(paper.assumptions)
    out += ["## Appendix: about the data", ""] + [f"- **{md(k)}**: {md(v)}" for k, v in paper.data] + [""]
    if paper.warnings:
        out += ["Warnings about the staff list:", ""] + [f"- {md(w)}" for w in paper.warnings] + [""]
    if paper.group_tables:
        out += [f"## Appendix: each {md(paper.by)} in detail", ""]
        for table in paper.group_tables:
            out += _table(table)
        out += _suppression(paper)
    out += [f"*Prepared with {md(paper.generator)} from the staff list and the dosing policy ({md(paper.policy)}). "
            f"Figures as at {md(paper.as_of)}.*", ""]
    return "\n".join(out)


def _years(years: Years, images: dict[str, str]) -> list[str]:
    out = [f"## {md(years.title)}", "", md(years.intro), "", _image(years.chart, images), ""]
    out += _table(years.targets)
    out += [f"- {md(b)}" for b in years.budget] + ([""] if years.budget else [])
    numeric = [any(row[i].numeric for b in years.blocks for row in b.rows) for i in range(len(years.header))]
    out += [f"**{md(years.caption)}**", ""]
    for block in years.blocks:       # a small table per year, under the year's totals
        out += ["".join(_span(c) for c in block.line), "",
                "| " + " | ".join(md(h) for h in years.header) + " |",
                "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
        out += ["| " + " | ".join(md(c.text) for c in row) + " |" for row in block.rows]
        out.append("")
    out += [f"*{md(years.note)}*", ""]
    out += [f"> Note: {md(n)}\n" for n in years.notes]
    return out


def _span(cell: Cell) -> str:
    return f"**{md(cell.text)}**" if cell.ref else md(cell.text)


def _image(chart, images: dict[str, str]) -> str:
    name = images[chart.id].replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return f"![{md(chart.alt)}]({name})\n\n*{md(chart.title)}.*"


def _suppression(paper: Paper) -> list[str]:
    return [f"> {md(paper.suppression)}", ""] if paper.suppression else []


def _table(table: Table) -> list[str]:
    numeric = [any(row[i].numeric for row in table.rows) for i in range(len(table.header))]
    out = [f"**{md(table.caption)}**", "",
           "| " + " | ".join(md(h) for h in table.header) + " |",
           "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    for row in table.rows:
        out.append("| " + " | ".join(md(c.text) + (f" (`{c.detail}`)" if c.detail else "") for c in row) + " |")
    if table.total:
        out.append("| " + " | ".join(f"**{md(c.text)}**" if c.text else "" for c in table.total) + " |")
    out.append("")
    if table.note:
        out += [f"*{md(table.note)}*", ""]
    return out
