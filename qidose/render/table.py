"""A Rich table for a person at a terminal."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from qidose.render.columns import COLUMNS, fmt, organisation_lines, title, total_row


def render(planset, color: bool = False, width: int | None = None) -> str:
    out = io.StringIO()
    console = Console(file=out, force_terminal=color, no_color=not color, width=width or 160,
                      highlight=False, soft_wrap=False)
    for plan in (planset.whole,) + planset.groups:
        _plan(console, plan, planset.by)
    return out.getvalue()


def _plan(console: Console, plan, by) -> None:
    console.print(f"[bold]{title(plan, by)}[/bold]")
    for label, text in organisation_lines(plan):
        console.print(f"  {label}: {text}")
    table = Table(show_footer=False, header_style="bold")
    table.add_column("Level", no_wrap=True)
    for _, heading in COLUMNS:
        table.add_column(heading, justify="right")
    for lp in plan.levels:
        table.add_row(lp.label, *(fmt(lp[name]) for name, _ in COLUMNS))
    table.add_row("[bold]Total[/bold]", *total_row(plan), end_section=True)
    console.print(table)
    years = plan.totals["years_to_close_gap"]
    console.print(f"  Years to close the gap: {fmt(years.value)} ({years.working})")
    for note in plan.notes:
        console.print(f"  [yellow]Note:[/yellow] {note}")
    console.print()
