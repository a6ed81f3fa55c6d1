"""The board paper as one self-contained HTML file: styles and charts inline, nothing fetched.

Reads a ``report_types.Paper``; every piece of text goes through ``html.escape``. Figures carry a
``data-figure`` attribute ("board.gap", "totals.training_hours"; with --by "groups.2.totals.gap", the
second group's; with --years also "trajectory.3.board.backlog", "trajectory.3.total.hours",
"trajectory.target_year.board") naming the figure shown, so a test (or a curious analyst) can check
the page against `qidose plan --format json`. Every id on the page is unique: a section is named
after what it holds ("capacity"), its table after the section ("capacity-table").
Prints on A4 (``@page``); tables keep their header on each printed page.
"""

from __future__ import annotations

from html import escape

from qidose import charts
from qidose.report_types import Cell, Chart, Paper, Table, Years

CSS = """
:root { --blue: #005EB8; --dark: #003087; --grey: #425563; --pale: #E8EDEE; --text: #231F20; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { font-family: Arial, "Liberation Sans", Helvetica, "DejaVu Sans", sans-serif; color: var(--text);
       line-height: 1.45; margin: 0 auto; padding: 2rem 2.5rem 3rem; max-width: 62rem; font-size: 15px; }
header { border-bottom: 4px solid var(--blue); padding-bottom: 0.8rem; margin-bottom: 1.4rem; }
.kicker { color: var(--blue); font-weight: bold; text-transform: uppercase; letter-spacing: 0.06em;
          font-size: 0.8rem; margin: 0 0 0.3rem; }
h1 { font-size: 1.75rem; line-height: 1.2; margin: 0 0 0.6rem; color: var(--dark); }
.meta { margin: 0; color: var(--grey); }
.meta strong { color: var(--text); }
h2 { font-size: 1.25rem; color: var(--dark); margin: 2rem 0 0.6rem; break-after: avoid; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 0.4rem; break-after: avoid; }
p { margin: 0 0 0.7rem; }
#summary { background: #F0F4F5; border-left: 6px solid var(--blue); padding: 0.8rem 1.1rem 0.3rem; }
#summary h2 { margin-top: 0.2rem; }
#summary p.lead { font-size: 1.12rem; }
.figure { font-weight: bold; white-space: nowrap; }
.note, figcaption, .caption-note { color: var(--grey); font-size: 0.85rem; }
.notes li { margin-bottom: 0.3rem; }
figure { margin: 0.4rem 0 1rem; break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
table { border-collapse: collapse; width: 100%; margin: 0.3rem 0 0.5rem; font-size: 0.85rem;
        font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.35rem; caption-side: top; }
th, td { border-bottom: 1px solid #D8DDE0; padding: 0.3rem 0.45rem; vertical-align: top; text-align: left; }
thead th { background: var(--pale); border-bottom: 2px solid var(--grey); vertical-align: bottom; }
td.num, th.num { text-align: right; }
td.mark { text-align: center; color: var(--blue); }
tbody th { font-weight: normal; }
tr.total td, tr.total th { font-weight: bold; border-top: 2px solid var(--grey); border-bottom: none; }
table.years tr.year th { background: #F0F4F5; font-weight: normal; border-top: 2px solid var(--grey); padding-top: 0.4rem; }
table.years tr.year .figure { font-weight: bold; }
table.years tbody tr:not(.year) th { padding-left: 1rem; }
table.years tbody { break-inside: avoid; }
.wide tbody th { min-width: 10rem; }
#assumptions td, #assumptions tbody th { font-size: 0.8rem; }
#assumptions tbody th { width: 30%; }
.key { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 0.7rem; color: var(--grey);
       overflow-wrap: anywhere; }
.suppressed { border: 1px solid var(--blue); padding: 0.4rem 0.7rem; font-size: 0.85rem; }
dl.data { display: grid; grid-template-columns: 12rem 1fr; gap: 0.25rem 1rem; font-size: 0.85rem; }
dl.data dt { font-weight: bold; }
dl.data dd { margin: 0; }
footer { margin-top: 2.5rem; border-top: 1px solid #D8DDE0; padding-top: 0.6rem; color: var(--grey);
         font-size: 0.8rem; }
@page { size: A4; margin: 16mm 14mm 18mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h1 { font-size: 18pt; }
  h2 { font-size: 13pt; margin-top: 1.2rem; }
  table { font-size: 8pt; }
  #assumptions td, #assumptions tbody th { font-size: 7.5pt; }
  .key { font-size: 6.5pt; }
  thead { display: table-header-group; }
  tr, figure, .keep, h2 + p, caption { break-inside: avoid; }
  h2, h3, caption { break-after: avoid; page-break-after: avoid; }
  #assumptions, #group-detail { break-before: page; }   /* the appendices start on a new page */
  #summary { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  thead th, table.years tr.year th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def render(paper: Paper) -> str:
    out = ["<!DOCTYPE html>", '<html lang="en-GB">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f'<meta name="generator" content="{escape(paper.generator)}">',
           f"<title>{escape(paper.title)}: {escape(paper.organisation)}</title>",
           f"<style>{CSS}</style>", "</head>", "<body>"]
    out += _header(paper)
    out += _summary(paper)
    out += _section("chart", "Training needed, by level", [_figure(paper.chart)])
    out += _section("capacity", "The capacity to plan for", [_table(paper.capacity, "wide keep")] + _suppression(paper))
    if paper.years is not None:
        out += _section("trajectory", paper.years.title, _years(paper.years, paper))
    out += _section("doses", "The dose for each level", [f"<p>{escape(paper.doses_intro)}</p>\n" + _table(paper.doses, "keep")])
    out += _section("characteristics", "The organisation and what its characteristics changed", [
        _table(paper.characteristics, "keep"), _table(paper.effects, "keep"),
        "<ul class=\"notes\">" + "".join(f"<li>{escape(t)}</li>" for t in paper.other_effects) + "</ul>"])
    if paper.groups is not None:
        parts = [_table(paper.groups, "wide")]
        if paper.group_chart is not None:
            parts.append(_figure(paper.group_chart))
        out += _section("groups", f"By {paper.by}", parts + _suppression(paper))
    out += _section("assumptions", "Appendix: the policy's numbers and their sources",
                    [f"<p>{escape(paper.assumptions_intro)}</p>", _table(paper.assumptions)], "appendix")
    data = ["<dl class=\"data\">" + "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in paper.data) + "</dl>"]
    if paper.warnings:
        data.append("<h3>Warnings about the staff list</h3><ul class=\"notes\">"
                    + "".join(f"<li>{escape(w)}</li>" for w in paper.warnings) + "</ul>")
    out += _section("data", "Appendix: about the data", data, "appendix")
    if paper.group_tables:
        out += _section("group-detail", f"Appendix: each {paper.by} in detail",
                        [_table(t, "wide keep") for t in paper.group_tables] + _suppression(paper), "appendix")
    out += [f"<footer>Prepared with {escape(paper.generator)} from the staff list and the dosing policy "
            f"({escape(paper.policy)}). Figures as at {escape(paper.as_of)}.</footer>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def _header(paper: Paper) -> list[str]:
    return ["<header>", '<p class="kicker">Board paper</p>', f"<h1>{escape(paper.title)}</h1>",
            f'<p class="meta"><strong id="organisation-name">{escape(paper.organisation)}</strong> · '
            f'<span id="date">{escape(paper.date)}</span> · figures as at {escape(paper.as_of)}</p>', "</header>"]


def _summary(paper: Paper) -> list[str]:
    parts = [("<p class=\"lead\">" if i == 0 else "<p>") + "".join(_span(c) for c in paragraph) + "</p>"
             for i, paragraph in enumerate(paper.summary)]
    if paper.notes:
        parts.append('<ul class="notes">' + "".join(f"<li>{escape(n)}</li>" for n in paper.notes) + "</ul>")
    return _section("summary", "Summary", parts)


def _span(cell: Cell) -> str:
    if cell.ref:
        return f'<span class="figure" data-figure="{escape(cell.ref)}">{escape(cell.text)}</span>'
    return escape(cell.text)


def _section(section_id: str, title: str, parts: list[str], cls: str = "") -> list[str]:
    klass = f' class="{cls}"' if cls else ""
    head = f"<h2>{escape(title)}</h2>"
    if parts:       # the heading stays on a page with what it heads
        return [f'<section id="{section_id}"{klass}>', f'<div class="keep">{head}', parts[0], "</div>", *parts[1:],
                "</section>"]
    return [f'<section id="{section_id}"{klass}>', head, "</section>"]


def _suppression(paper: Paper) -> list[str]:
    return [f'<p class="suppressed">{escape(paper.suppression)}</p>'] if paper.suppression else []


def _table(table: Table, cls: str = "") -> str:
    group = f' data-group="{escape(table.group)}"' if table.group is not None else ""
    klass = f' class="{cls}"' if cls else ""
    out = [f'<table id="{escape(table.id)}"{klass}{group}>', f"<caption>{escape(table.caption)}</caption>", "<thead><tr>"]
    numeric = [any(row[i].numeric for row in table.rows) for i in range(len(table.header))]
    num = ' class="num"'
    out += [f'<th scope="col"{num if numeric[i] else ""}>{escape(h)}</th>' for i, h in enumerate(table.header)]
    out.append("</tr></thead><tbody>")
    for row in table.rows:
        out.append("<tr>" + "".join(_td(c, i == 0) for i, c in enumerate(row)) + "</tr>")
    if table.total:
        out.append('<tr class="total">' + "".join(_td(c, i == 0) for i, c in enumerate(table.total)) + "</tr>")
    out.append("</tbody></table>")
    if table.note:
        out.append(f'<p class="note">{escape(table.note)}</p>')
    return "\n".join(out)


def _td(cell: Cell, head: bool) -> str:
    attrs = ""
    if cell.ref:
        attrs += f' data-figure="{escape(cell.ref)}"'
    if cell.numeric:
        attrs += ' class="num"'
    elif cell.text in ("●", "○"):
        attrs += ' class="mark"'
    tag = "th" if head else "td"
    scope = ' scope="row"' if head else ""
    detail = f'<br><span class="key">{escape(cell.detail)}</span>' if cell.detail else ""
    return f"<{tag}{scope}{attrs}>{escape(cell.text)}{detail}</{tag}>"


NUM = ' class="num"'


def _years(years: Years, paper: Paper) -> list[str]:
    out = [f"<p>{escape(years.intro)}</p>", _figure(years.chart), _table(years.targets, "keep")]
    if years.budget:
        out.append('<ul class="notes">' + "".join(f"<li>{escape(b)}</li>" for b in years.budget) + "</ul>")
    width = len(years.header)
    rows = ['<table id="trajectory-years" class="years">', f"<caption>{escape(years.caption)}</caption>",
            "<thead><tr>" + "".join(f'<th scope="col"{"" if i in (0, width - 1) else NUM}>{escape(h)}</th>'
                                    for i, h in enumerate(years.header)) + "</tr></thead>"]
    for block in years.blocks:
        rows.append(f'<tbody data-year="{block.year}"><tr class="year"><th colspan="{width}" scope="colgroup">'
                    + "".join(_span(c) for c in block.line) + "</th></tr>")
        rows += ["<tr>" + "".join(_td(c, i == 0) for i, c in enumerate(row)) + "</tr>" for row in block.rows]
        rows.append("</tbody>")
    rows.append("</table>")
    rows.append(f'<p class="note">{escape(years.note)}</p>')
    out.append("\n".join(rows))
    out += [f'<p class="note">Note: {escape(n)}</p>' for n in years.notes]
    return out + _suppression(paper)


def _figure(chart: Chart) -> str:
    svg = charts.draw(chart, "svg", inline=True)
    return (f'<figure id="{escape(chart.id)}" role="img" aria-label="{escape(chart.alt)}">{svg}'
            f"<figcaption>{escape(chart.title)}. {escape(chart.alt)}</figcaption></figure>")
