"""The plan over the years (`plan --years N`) as a Rich table section, Markdown and JSON.

Reads a ``Trajectory``; computes nothing. With --suppress-below (`render/suppress.years_withheld`),
a level whose plan row hides a cell has its trajectory withheld too (the first year's backlog is
the gap plus upkeep minus the people trained); so are the yearly totals and the totals over the
years, which add the levels up, the experts in post and their facilitator hours, and what a level
shown was given of the budget or the facilitators' hours the hidden levels shared.
"""

from __future__ import annotations

from qidose.render.columns import coverage_text, fmt
from qidose.render.suppress import WITHHELD, YearsWithheld, trajectory_notes, trajectory_statements, years_withheld
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


def cell(entry, name: str, withheld: YearsWithheld) -> str:
    if withheld.entry(entry.year, entry.level) and name in _COUNTS:
        return WITHHELD
    value = entry[name]
    if name == "coverage":
        return coverage_text(value)
    return fmt(value)


def _columns(traj) -> tuple:
    return COLUMNS + ((("cost", f"Cost ({traj.currency}, estimate)"),) if traj.currency else ())


def _year_line(traj, year: int, withheld: YearsWithheld) -> str:
    t = traj.year_totals[year - 1]
    budget = "(no budget limit)" if t["budget"].value is None else f"of a budget of {fmt(t['budget'].value)}"
    if withheld.totals:
        return (f"Year {year}: {WITHHELD} hours {budget}; the year's totals are withheld, as they add up levels "
                f"with small numbers")
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


# -- Rich ---------------------------------------------------------------------------------------

def table_section(console, traj, marks: dict) -> None:
    from rich.markup import escape
    from rich.table import Table
    withheld = years_withheld(traj, marks)
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
                          *(escape(cell(e, name, withheld)) for name, _ in columns), escape(_limited(e, withheld)),
                          end_section=i == len(rows) - 1)
    console.print(table)
    for year in range(1, traj.years + 1):
        console.print(f"  {escape(_year_line(traj, year, withheld))}")
    for line in trajectory_statements(traj, withheld):
        console.print(f"  {escape(line)}")
    for note in trajectory_notes(traj, withheld, marks):
        console.print(f"  [yellow]Note:[/yellow] {escape(note)}")
    console.print()


def _limited(entry, withheld: YearsWithheld) -> str:
    if withheld.entry(entry.year, entry.level):
        return WITHHELD
    return {"not started": "not started", "facilitators": "facilitators"}.get(entry.limited_by, entry.limited_by or "")


# -- Markdown -----------------------------------------------------------------------------------

def markdown_section(traj, marks: dict) -> list[str]:
    def md(text) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")
    withheld = years_withheld(traj, marks)
    columns = _columns(traj)
    out = [f"## Over the next {traj.years} years\n",
           f"Sequence (budget goes to upkeep first, then in this order): {md(_sequence_line(traj))}\n",
           "| Year | Level | " + " | ".join(h for _, h in columns) + " | Held back by |",
           "|---:|---|" + "---:|" * len(columns) + "---|"]
    for e in traj.entries:
        out.append(f"| {e.year} | {md(e.label)} | " + " | ".join(cell(e, n, withheld) for n, _ in columns)
                   + f" | {md(_limited(e, withheld))} |")
    out.append("")
    out += [f"- {md(_year_line(traj, year, withheld))}" for year in range(1, traj.years + 1)]
    out += [f"- {md(line)}" for line in trajectory_statements(traj, withheld)]
    out.append("")
    out += [f"> Note: {md(n)}\n" for n in trajectory_notes(traj, withheld, marks)]
    return out


# -- JSON ---------------------------------------------------------------------------------------

def _withhold(item: dict, names) -> None:
    """In a JSON block with a `basis`: the figures named become null, their marker goes in `suppressed`,
    and every working of the block becomes null (a working shows the numbers it used)."""
    names = [n for n in names if n in item]
    if not names:
        return
    item.update({n: None for n in names}, suppressed={n: WITHHELD for n in names})
    for b in item["basis"].values():
        b["working"] = None


def json_section(traj, config, marks: dict) -> dict:
    """{"trajectory": one entry per year and level, "trajectory_summary": the rest}."""
    from qidose.render.json_ import basis
    withheld = years_withheld(traj, marks)
    entries = []
    for e in traj.entries:
        item = {"year": e.year, "level": e.level, "label": e.label,
                **{name: f.value for name, f in e.figures.items()}, "limited_by": e.limited_by,
                "basis": {name: basis(f, config) for name, f in e.figures.items()}}
        if withheld.entry(e.year, e.level):
            _withhold(item, [name for name in e.figures if name in _COUNTS])
            item["limited_by"] = None
        entries.append(item)
    sequence = []
    for s in traj.sequence:
        item = {"level": s.level, "label": s.label, "priority": s.priority, "start_year": s.start_year.value,
                "pace": s.pace.value, "delivered_externally": s.delivered_externally,
                "basis": {"start_year": basis(s.start_year, config), "pace": basis(s.pace, config)}}
        if s.level in withheld.levels:          # the pace's working counts the level's people
            item["basis"]["pace"]["working"] = None
        sequence.append(item)
    years_totals = []
    for i, t in enumerate(traj.year_totals):
        item = {"year": i + 1, **{name: f.value for name, f in t.items()},
                "basis": {name: basis(f, config) for name, f in t.items()}}
        if withheld.totals:
            _withhold(item, [name for name in t if name != "budget"])
        years_totals.append(item)
    target_year = {level: f.value for level, f in traj.outcomes.items()}
    target_basis = {level: basis(f, config) for level, f in traj.outcomes.items()}
    target_withheld = {}
    for level in traj.outcomes:
        if withheld.outcome(level):
            target_year[level], target_basis[level]["working"] = None, None
            target_withheld[level] = WITHHELD
    totals = {name: f.value for name, f in traj.totals.items()}
    totals["basis"] = {name: basis(f, config) for name, f in traj.totals.items()}
    if withheld.totals:
        _withhold(totals, list(traj.totals))
    totals_basis = totals.pop("basis")
    totals_suppressed = totals.pop("suppressed", None)
    summary = {
        "years": traj.years,
        "sequence": sequence,
        "years_totals": years_totals,
        "target_year": target_year,
        "target_year_basis": target_basis,
        "totals": totals,
        "totals_basis": totals_basis,
        "statements": trajectory_statements(traj, withheld),
        "notes": trajectory_notes(traj, withheld, marks),
    }
    if target_withheld:
        summary["target_year_suppressed"] = target_withheld
    if totals_suppressed:
        summary["totals_suppressed"] = totals_suppressed
    if traj.currency:
        summary["cost"] = {"label": COST_LABEL, "currency": traj.currency}
    return {"trajectory": entries, "trajectory_summary": summary}
