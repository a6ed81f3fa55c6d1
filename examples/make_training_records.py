"""Make examples/training-records.csv from examples/staff.csv's employee numbers (fixed seed).

    python examples/make_training_records.py

Reads only the Employee Number and Assignment Status columns. A synthetic export of a QI
training registry: one row per person and course, with a few employee numbers that are not
in the staff list (leavers, typing errors) and a few courses no module records.
"""

import csv
import datetime as dt
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 2026


def main() -> None:
    rng = random.Random(SEED)
    with open(HERE / "staff.csv", encoding="utf-8-sig", newline="") as f:
        numbers = sorted({r["Employee Number"] for r in csv.DictReader(f) if r["Assignment Status"] == "Active Assignment"})
    intro = rng.sample(numbers, 900)
    rows = [(n, "Introduction to QI") for n in intro]
    rows += [(n, "Improvement Leaders Programme") for n in rng.sample(intro, 160)]
    rows += [(n, "IHI Open School") for n in rng.sample(intro, 120)]
    rows += [(n, "Improvement Coaching") for n in rng.sample(intro, 20)]
    rows += [(n, "Lean for Leaders") for n in rng.sample(numbers, 25)]          # a course no module records
    known = set(numbers)
    strangers = []
    while len(strangers) < 15:                                                  # not in the staff list
        n = str(rng.randint(90000000, 99999999))
        if n not in known:
            strangers.append(n)
    rows += [(n, "Introduction to QI") for n in strangers]
    rng.shuffle(rows)
    start = dt.date(2019, 1, 1)
    with open(HERE / "training-records.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["Employee Number", "Course Name", "Completion Date"])
        for number, course in rows:
            writer.writerow([number, course, (start + dt.timedelta(days=rng.randrange(2500))).strftime("%d/%m/%Y")])


if __name__ == "__main__":
    main()
