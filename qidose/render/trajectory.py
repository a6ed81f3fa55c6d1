"""The plan over the years (`plan --years N`) as a Rich table section, Markdown and JSON.

Reads a ``Trajectory``; computes nothing. With --suppress-below, a level whose plan row hides a
cell has its trajectory counts withheld too (they would give the hidden cell away: the first
year's backlog is the gap plus upkeep minus the people trained).
"""

from __future__ import annotations

from qidose.config import LEVEL_IDS
from qidose.render.columns import coverage_text, fmt
from qidose.render.suppress import WITHHELD
from qidose.trajectory import COST_LABEL

# (figure, heading) of the year-by-year table
COLUMNS = (
    ("upkeep_people", "Upkeep people"),
    ("trained_people", "Trained"),
    ("new_trained", "of which new"),
    ("hours", "Hours"),
    ("facilitator_hours", "Facilitator hours"),
    ("coverage", "Coverage"),
    ("backlog", "Backlog"),
)
_COUNTS = ("upkeep_people", "upkeep_trained", "new_trained", "trained_people", "hours", "upkeep_hours",
           "facilitator_hours", "covered", "coverage", "backlog", "cost")


def hidden_levels(marks: dict) -> frozenset[str]:
    """Levels of the whole organisation's plan with a suppressed cell."""
    return frozenset(level for group, level, _ in marks if group is None and level in LEVEL_IDS)


def cell(entry, name: str, hidden: frozenset[str]) -> str:
    if entry.level in hidden and name in _COUNTS:
        return WITHHELD
    value = entry[name]
    if name == "coverage":
        return coverage_text(value)
    return fmt(value)


def _columns(traj) -> tuple:
    return COLUMNS + ((("cost", f"Cost ({traj.currency}, estimate)"),) if traj.currency else ())


def _year_line(traj, year: int) -> str:
    t = traj.year_totals[year - 1]
    budget = "(no budget limit)" if t["budget"].value is None else f"of a budget of {fmt(t['budget'].value)}"
    available = t["facilitator_hours_available"].value
    experts = t["experts"].value
    facilitation = ("facilitation not a limit" if available is None else
                    f"{fmt(t['facilitator_hours_used'].value)} of {fmt(available)} facilitator hours "
                    f"({fmt(experts)} expert{'' if experts == 1 else 's'})")
    cost = f"; cost {fmt(t['cost'].value)} {traj.currency} (estimate)" if "cost" in t else ""
    return f"Year {year}: {fmt(t['hours'].value)} hours {budget}; {facilitation}{cost}"


def _sequence_line(traj) -> str:
    parts = []
    for s in traj.sequence:
        pace = f", at most new starters + {coverage_text(s.pace.value)} of its people a year" if s.pace.value is not None else ""
        external = ", delivered externally" if s.delivered_externally else ""
        parts.append(f"{s.priority}. {s.label} from year {s.start_year.value}{pace}{external}")
    return "; ".join(parts)


def _limited(entry) -> str:
    return {"not started": "not started", "facilitators": "facilitators"}.get(entry.limited_by, entry.limited_by or "")


# -- Rich ---------------------------------------------------------------------------------------

def table_section(console, traj, marks: dict) -> None:
    from rich.markup import escape
    from rich.table import Table
    hidden = hidden_levels(marks)
    console.print(f"[bold]Over the next {traj.years} years[/bold]")
    console.print(f"  Sequence (budget goes to upkeep first, then in this order): {escape(_sequence_line(traj))}")
    columns = _columns(traj)
    table = Table(header_style="bold")
    table.add_column("Year", justify="right")
    table.add_column("Level", no_wrap=True)
    for _, heading in columns:
        table.add_column(heading, justify="right")
    table.add_column("Held back by")
    for year in range(1, traj.years + 1):
        rows = [e for e in traj.entries if e.year == year]
        for i, e in enumerate(rows):
            table.add_row(str(year) if i == 0 else "", escape(e.label),
                          *(escape(cell(e, name, hidden)) for name, _ in columns), escape(_limited(e)),
                          end_section=i == len(rows) - 1)
    console.print(table)
    for year in range(1, traj.years + 1):
        console.print(f"  {escape(_year_line(traj, year))}")
    for line in traj.statements:
        console.print(f"  {escape(line)}")
    for note in traj.notes:
        console.print(f"  [yellow]Note:[/yellow] {escape(note)}")
    console.print()


# -- Markdown -----------------------------------------------------------------------------------

def markdown_section(traj, marks: dict) -> list[str]:
    def md(text) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")
    hidden = hidden_levels(marks)
    columns = _columns(traj)
    out = [f"## Over the next {traj.years} years\n",
           f"Sequence (budget goes to upkeep first, then in this order): {md(_sequence_line(traj))}\n",
           "| Year | Level | " + " | ".join(h for _, h in columns) + " | Held back by |",
           "|---:|---|" + "---:|" * len(columns) + "---|"]
    for e in traj.entries:
        out.append(f"| {e.year} | {md(e.label)} | " + " | ".join(cell(e, n, hidden) for n, _ in columns)
                   + f" | {md(_limited(e))} |")
    out.append("")
    out += [f"- {md(_year_line(traj, year))}" for year in range(1, traj.years + 1)]
    out += [f"- {md(line)}" for line in traj.statements]
    out.append("")
    out += [f"> Note: {md(n)}\n" for n in traj.notes]
    return out


# -- JSON ---------------------------------------------------------------------------------------

def json_section(traj, config, marks: dict) -> dict:
    """{"trajectory": one entry per year and level, "trajectory_summary": the rest}."""
    from qidose.render.json_ import basis
    hidden = hidden_levels(marks)
    entries = []
    for e in traj.entries:
        item = {"year": e.year, "level": e.level, "label": e.label,
                **{name: f.value for name, f in e.figures.items()}, "limited_by": e.limited_by,
                "basis": {name: basis(f, config) for name, f in e.figures.items()}}
        if e.level in hidden:
            withheld = {name: WITHHELD for name in e.figures if name in _COUNTS}
            item.update({name: None for name in withheld}, suppressed=withheld)
            for b in item["basis"].values():
                b["working"] = None
        entries.append(item)
    summary = {
        "years": traj.years,
        "sequence": [{"level": s.level, "label": s.label, "priority": s.priority, "start_year": s.start_year.value,
                      "pace": s.pace.value, "delivered_externally": s.delivered_externally,
                      "basis": {"start_year": basis(s.start_year, config), "pace": basis(s.pace, config)}}
                     for s in traj.sequence],
        "years_totals": [{"year": i + 1, **{name: f.value for name, f in t.items()},
                          "basis": {name: basis(f, config) for name, f in t.items()}}
                         for i, t in enumerate(traj.year_totals)],
        "target_year": {level: f.value for level, f in traj.outcomes.items()},
        "target_year_basis": {level: basis(f, config) for level, f in traj.outcomes.items()},
        "totals": {name: f.value for name, f in traj.totals.items()},
        "totals_basis": {name: basis(f, config) for name, f in traj.totals.items()},
        "statements": list(traj.statements),
        "notes": list(traj.notes),
    }
    if traj.currency:
        summary["cost"] = {"label": COST_LABEL, "currency": traj.currency}
    return {"trajectory": entries, "trajectory_summary": summary}
