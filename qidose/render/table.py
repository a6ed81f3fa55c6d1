"""A Rich table for a person at a terminal."""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from qidose.render.columns import COLUMNS, fmt, organisation_lines, title
from qidose.render.suppress import legend, plan_notes, show, shown_total, suppression, total_cells


def render(planset, color: bool = False, width: int | None = None, suppress_below: int | None = None) -> str:
    out = io.StringIO()
    console = Console(file=out, force_terminal=color, no_color=not color, width=width or 160,
                      highlight=False, soft_wrap=False)
    marks = suppression(planset, suppress_below)
    for plan in (planset.whole,) + planset.groups:
        _plan(console, plan, planset.by, marks)
    if planset.trajectory is not None:
        from qidose.render.trajectory import table_section
        table_section(console, planset.trajectory, marks)
    if suppress_below:
        console.print(escape(legend(suppress_below)))
    return out.getvalue()


def _plan(console: Console, plan, by, marks) -> None:
    console.print(f"[bold]{escape(title(plan, by))}[/bold]")
    for label, text in organisation_lines(plan, marks):
        console.print(f"  {label}: {escape(text)}")
    table = Table(show_footer=False, header_style="bold")
    table.add_column("Level", no_wrap=True)
    for _, heading in COLUMNS:
        table.add_column(heading, justify="right")
    for lp in plan.levels:
        table.add_row(escape(lp.label), *(escape(show(marks, plan, lp, name, fmt)) for name, _ in COLUMNS))
    table.add_row("[bold]Total[/bold]", *map(escape, total_cells(marks, plan, COLUMNS, fmt)), end_section=True)
    console.print(table)
    years = plan.totals["years_to_close_gap"]
    working = "" if (plan.group, "total", "years_to_close_gap") in marks else f" ({escape(years.working)})"
    console.print(f"  Years to close the gap: {escape(shown_total(marks, plan, 'years_to_close_gap', fmt))}{working}")
    for note in plan_notes(plan, marks):
        console.print(f"  [yellow]Note:[/yellow] {escape(note)}")
    console.print()
