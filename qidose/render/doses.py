"""The dosing matrix (the seed's Figure 1 as a table): modules × levels, hours and delivery."""

from __future__ import annotations

import csv
import io
import json

from qidose.config import LEVEL_IDS
from qidose.render.csv import safe


def matrix(config) -> tuple[list[str], list[list]]:
    header = ["module", "hours", "delivery", "cohort_size", "facilitators"] + [config.levels[l].label for l in LEVEL_IDS]
    rows = []
    for mid, m in config.modules.items():
        marks = ["●" if mid in config.levels[l].own_modules else ("○" if mid in config.levels[l].modules else "")
                 for l in LEVEL_IDS]
        rows.append([m.label, m.hours, m.delivery.replace("_", " "), m.cohort_size or "", m.facilitators_per_cohort or ""] + marks)
    rows.append(["Dose hours", "", "", "", ""] + [config.dose_hours(l) for l in LEVEL_IDS])
    rows.append(["Dose days", "", "", "", ""] + [round(config.dose_hours(l) / config.hours_per_day, 1) for l in LEVEL_IDS])
    return header, rows


LEGEND = "● the level's own module   ○ included from another level's dose"


def render(config, fmt: str, color: bool = False) -> str:
    header, rows = matrix(config)
    if fmt == "json":
        return json.dumps({
            "levels": [{"level": l, "label": config.levels[l].label, "dose_hours": config.dose_hours(l),
                        "modules": list(config.levels[l].modules)} for l in LEVEL_IDS],
            # A module that is not taught face to face (e-learning) is not taught in cohorts, so it has neither a
            # cohort size nor facilitators per cohort: both are null, as the tables leave both cells blank. (The
            # config keeps 0 facilitators for it, so the engine's sums of facilitator hours need no test.)
            "modules": [{"module": mid, "label": m.label, "hours": m.hours, "delivery": m.delivery,
                         "cohort_size": m.cohort_size if m.delivery == "face_to_face" else None,
                         "facilitators_per_cohort": m.facilitators_per_cohort if m.delivery == "face_to_face" else None}
                        for mid, m in config.modules.items()],
        }, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([[safe(v) for v in row] for row in rows])
        return out.getvalue()
    text = [[_fmt(v) for v in row] for row in rows]
    if fmt == "markdown":
        lines = ["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in text]
        return "\n".join(lines) + f"\n\n{LEGEND}\n"
    from rich.console import Console
    from rich.table import Table
    table = Table(title="Dosing matrix", caption=LEGEND, header_style="bold")
    for i, h in enumerate(header):
        table.add_column(h, justify="left" if i in (0, 2) else "center" if i >= 5 else "right", no_wrap=i == 0)
    for i, row in enumerate(text):
        table.add_row(*row, end_section=i == len(text) - 3)
    out = io.StringIO()
    Console(file=out, force_terminal=color, no_color=not color, width=180).print(table)
    return out.getvalue()


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)
