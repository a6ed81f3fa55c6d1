"""Where a row's time goes: instructions per row of the plain path's read loop, step by step.

Wall times on a shared machine swing by 10-30%, too much to see a step of 5%. Instruction counts
do not swing: valgrind's cachegrind counts the instructions a run executes. This script copies the
package once per step of `RowReader.read`'s loop, cutting the loop (a `continue`) after that step,
and counts the instructions of a read-only run (the process ends when the read does) on
the first N and 2N rows of a national-style list. The difference over N rows is the cost of a row
once the start-up and the first meeting of each distinct value are paid; a last line counts a whole
`qidose plan` (the merge, census and plan after the read) the same way. `csv.reader` alone
(reference.py's csv_count) is measured the same way.

    python benchmarks/row_cost.py            # 50,000 and 100,000 rows: about 2 minutes on 2 CPUs
    python benchmarks/row_cost.py --rows 20000   # quicker, with more of the first meetings of values

Needs valgrind (skipped, with a note, without it). Instructions are not time: the interpreter's
work stalls more per instruction than the csv module's C loop (benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from esr_generator import HEADER, generate_rows  # noqa: E402

# Each step of the loop, named by the line that starts it: the loop is cut just before that line.
STEPS = [
    ("the rows, read and dropped", "if len(cells) != expected:"),
    ("+ the width check", "eid = cells[id_index]"),
    ("+ the employee number (`int()`, its range)", "key = values_of(cells)"),
    ("+ the combination's lookup (8 values)", "fte_raw = cells[fte_index]"),
    ("+ FTE and start date", "byte = number >> 3"),
    ("+ the repeat bitmap", "kind = combination << 2 | start"),
    ("+ the arrays and tallies (the whole loop)", None),
]
READ_ONLY = """
import os, sys
from qidose import rows
read = rows.RowReader.read
def read_and_stop(self):
    read(self)
    os._exit(0)
rows.RowReader.read = read_and_stop
sys.argv = ["qidose", "plan", sys.argv[1], "--engine", "python", "--jobs", "1", "--format", "json", "-o", os.devnull]
from qidose.cli import main
main()
sys.exit(3)   # the rows were never read
"""
WHOLE_PLAN = "import sys; from qidose.cli import main; sys.argv[0] = 'qidose'; main()"
WHOLE_STEP = "+ the merge of people with several rows, the census, the plan and its JSON"


def count(args: list[str], env: dict | None, cwd: Path) -> int:
    """Instructions executed by `python ARGS` (cachegrind, no cache simulation), run in `cwd` (with -c,
    the current directory comes first on the import path: not the checkout's)."""
    run = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                          sys.executable, *args], capture_output=True, text=True, env=env, cwd=cwd)
    found = re.search(r"I\s+refs:\s+([\d,]+)", run.stderr)
    if run.returncode != 0 or not found:
        raise SystemExit(f"row_cost: {' '.join(args)} failed ({run.returncode}):\n{run.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def cut_package(work: Path, name: str, before: str | None) -> Path:
    """A copy of the package whose read loop stops before the line `before`."""
    target = work / name
    shutil.copytree(ROOT / "qidose", target / "qidose", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "config", target / "config")
    if before is not None:
        path = target / "qidose" / "rows.py"
        text = path.read_text()
        loop = text.index("        for cells in rows:\n")
        line = "            " + before + "\n"
        if text.count(line, loop) < 1:
            raise SystemExit(f"row_cost: qidose/rows.py's read loop has no line {before!r}; update STEPS")
        at = text.index(line, loop)
        path.write_text(text[:at] + "            continue\n" + text[at:])
    return target


def write_rows(path: Path, rows: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(itertools.islice(generate_rows(400_000, seed=2026), rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000, help="N: rows of the smaller file (the larger has 2N)")
    options = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("row_cost: valgrind is not installed; skipped (apt install valgrind)")
        return 0
    n = options.rows
    with tempfile.TemporaryDirectory(prefix="qidose-row-cost-") as tmp:
        work = Path(tmp)
        files = [work / "small.csv", work / "large.csv"]
        write_rows(files[0], n)
        write_rows(files[1], 2 * n)
        jobs = [("csv.reader alone (reference.py csv_count)", [str(HERE / "reference.py"), "csv_count"], None)]
        for i, (name, before) in enumerate(STEPS):
            package = cut_package(work, f"step{i}", before)
            env = dict(os.environ, PYTHONPATH=str(package), PYTHONDONTWRITEBYTECODE="1")
            jobs.append((name, ["-c", READ_ONLY], env))
        jobs.append((WHOLE_STEP, ["-c", WHOLE_PLAN, "plan", "--engine", "python", "--jobs", "1", "--format", "json",
                                  "-o", os.devnull], env))   # the last step's package: the whole loop
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            counts = {(name, k): pool.submit(count, args + [str(f)], env, work)
                      for name, args, env in jobs for k, f in enumerate(files)}
            per_row = {name: (counts[name, 1].result() - counts[name, 0].result()) / n for name, _, _ in jobs}
    reference = per_row[jobs[0][0]]
    print(f"Instructions per row, the difference between {n:,} and {2 * n:,} rows of a national-style list "
          f"(Python {sys.version.split()[0]}):\n")
    print("| step | per row | added | × csv.reader |\n|---|---|---|---|")
    previous = None
    for name, _, _ in jobs:
        added = "" if previous is None or name == jobs[0][0] else f"{per_row[name] - previous:+,.0f}"
        print(f"| {name} | {per_row[name]:,.0f} | {added} | {per_row[name] / reference:.2f}× |")
        if name != jobs[0][0]:
            previous = per_row[name]
    return 0


if __name__ == "__main__":
    sys.exit(main())
