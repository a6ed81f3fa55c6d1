"""CSV: one row per level (and per --by group), every figure a column.

Text cells that a spreadsheet would run as a formula (starting =, +, -, @, tab or CR)
get a leading apostrophe; numbers are left alone.
"""

from __future__ import annotations

import csv
import io

from qidose.render.suppress import suppression

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return "" if value is None else value


def render(planset, suppress_below: int | None = None) -> str:
    marks = suppression(planset, suppress_below)
    plans = (planset.whole,) + planset.groups
    figures = list(planset.whole.levels[0].figures)
    header = ["group", "level", "label", "kind"] + [f for f in figures if f != "coverage"] + ["coverage"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for plan in plans:
        group = "(whole organisation)" if plan.group is None else plan.group
        for lp in plan.levels:
            values = [marks.get((plan.group, lp.level, f)) or (lp.figures[f].value if f in lp.figures else None)
                      for f in header[4:]]
            writer.writerow([safe(v) for v in [group, lp.level, lp.label, lp.kind] + values])
        totals = [marks.get((plan.group, "total", f)) or (plan.totals[f].value if f in plan.totals else None)
                  for f in header[4:]]
        writer.writerow([safe(v) for v in [group, "total", "Total", ""] + totals])
    return out.getvalue()
