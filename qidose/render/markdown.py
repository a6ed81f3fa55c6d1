"""Markdown tables, for pasting into a paper or a wiki."""

from __future__ import annotations

from qidose.render.columns import COLUMNS, fmt, md, organisation_lines, title
from qidose.render.suppress import legend, plan_notes, show, shown_total, suppression, total_cells


def render(planset, suppress_below: int | None = None) -> str:
    out = []
    marks = suppression(planset, suppress_below)
    for plan in (planset.whole,) + planset.groups:
        out.append(f"## {md(title(plan, planset.by))}\n")
        out += [f"- {label}: {md(text)}" for label, text in organisation_lines(plan, marks)]
        out.append("")
        out.append("| Level | " + " | ".join(h for _, h in COLUMNS) + " |")
        out.append("|---|" + "---:|" * len(COLUMNS))
        for lp in plan.levels:
            out.append(f"| {md(lp.label)} | " + " | ".join(show(marks, plan, lp, n, fmt) for n, _ in COLUMNS) + " |")
        out.append("| **Total** | " + " | ".join(total_cells(marks, plan, COLUMNS, fmt)) + " |")
        years = plan.totals["years_to_close_gap"]
        working = "" if (plan.group, "total", "years_to_close_gap") in marks else f" ({md(years.working)})"
        out.append(f"\nYears to close the gap: {shown_total(marks, plan, 'years_to_close_gap', fmt)}{working}\n")
        out += [f"> Note: {md(n)}\n" for n in plan_notes(plan, marks)]
    if planset.trajectory is not None:
        from qidose.render.trajectory import markdown_section
        out += markdown_section(planset.trajectory, marks)
    if suppress_below:
        out.append(md(legend(suppress_below)) + "\n")
    return "\n".join(out)
