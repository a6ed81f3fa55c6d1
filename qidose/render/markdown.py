"""Markdown tables, for pasting into a paper or a wiki."""

from __future__ import annotations

from qidose.render.columns import COLUMNS, fmt, organisation_lines, title, total_row


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render(planset) -> str:
    out = []
    for plan in (planset.whole,) + planset.groups:
        out.append(f"## {_cell(title(plan, planset.by))}\n")
        out += [f"- {label}: {_cell(text)}" for label, text in organisation_lines(plan)]
        out.append("")
        out.append("| Level | " + " | ".join(h for _, h in COLUMNS) + " |")
        out.append("|---|" + "---:|" * len(COLUMNS))
        for lp in plan.levels:
            out.append(f"| {_cell(lp.label)} | " + " | ".join(fmt(lp[n]) for n, _ in COLUMNS) + " |")
        out.append("| **Total** | " + " | ".join(total_row(plan)) + " |")
        years = plan.totals["years_to_close_gap"]
        out.append(f"\nYears to close the gap: {fmt(years.value)} ({_cell(years.working)})\n")
        out += [f"> Note: {_cell(n)}\n" for n in plan.notes]
    return "\n".join(out)
