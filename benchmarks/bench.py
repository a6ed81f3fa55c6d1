"""Time qidose and the reference points of issue 6 on the same synthetic ESR-like staff lists.

    .venv/bin/python benchmarks/bench.py            # 1.5k, 6.5k, 30k, messy 30k and 1.6M rows
    .venv/bin/python benchmarks/bench.py --quick    # up to 30k rows only
    .venv/bin/python benchmarks/bench.py --runs 7 --markdown
    .venv/bin/python benchmarks/bench.py --excel    # the same lists as .xlsx workbooks, by each reader

Files are generated once into benchmarks/data/ (git-ignored; fixed seed; 1.6M rows take ~20 s).
Every job runs as its own process, as a user would run it, imports included: its wall time is the
median of several runs (interleaved across jobs, so a busy moment hits them all), with the median CPU
time (user + system, all threads) and the peak memory (the process's maximum resident set, from
os.wait4) beside it. pandas, polars and duckdb jobs are skipped, with a note, when not installed.
Not part of the test run.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
BIN = Path(sys.executable).parent
QIDOSE = [str(BIN / "qidose")] if (BIN / "qidose").exists() else [sys.executable, "-m", "qidose"]
AS_OF = ["--as-of", "2026-10-01"]
SIZES = [("1.5k", 1_500, False), ("6.5k", 6_500, False), ("30k", 30_000, False), ("30k messy", 30_000, True),
         ("1.6M", 1_600_000, False)]
QUICK = 30_000
QIDOSE_JOBS = ["qidose python", "qidose python --jobs 1", "qidose duckdb"]
EXCEL_JOBS = ["qidose xlsx", "qidose xlsx openpyxl"]
EXCEL_SIZES = [("1.5k xlsx", 1_500), ("6.5k xlsx", 6_500), ("30k xlsx", 30_000)]
REFERENCES = ["csv_count", "csv_rules", "dictreader", "pandas", "pandas_tuned", "polars", "duckdb"]
NEEDS = {"pandas": "pandas", "pandas_tuned": "pandas", "polars": "polars", "duckdb": "duckdb",
         "qidose duckdb": "duckdb"}
LABELS = {
    "qidose python": "`qidose plan --format json --engine python` (default `--jobs`: a process per 3 MB, up to the CPUs)",
    "qidose python --jobs 1": "`qidose plan --format json --engine python --jobs 1` (one process)",
    "qidose duckdb": "`qidose plan --format json --engine duckdb`",
    "qidose xlsx": "`qidose plan --format json` of the .xlsx (python-calamine, in a child process)",
    "qidose xlsx openpyxl": "the same, read by openpyxl (as a workbook over 10 MB is)",
    "csv_count": "Python `csv.reader`, just counting rows",
    "csv_rules": "`csv.reader` + classification + per-level sums",
    "dictreader": "`csv.DictReader` version of the same",
    "pandas": "pandas read_csv + vectorised rules + groupby",
    "pandas_tuned": "pandas, tuned (categories; rules once per distinct value)",
    "polars": "polars lazy scan + group_by",
    "duckdb": "duckdb read_csv_auto + GROUP BY",
}


def data_file(rows: int, messy: bool) -> Path:
    """The generated list of about `rows` rows (made if missing, fixed seed)."""
    path = DATA / f"esr_{rows}{'_messy' if messy else ''}.csv"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        print(f"generating {path.name} ...", file=sys.stderr, flush=True)
        cmd = [sys.executable, str(HERE / "esr_generator.py"), "--rows", str(rows), "-o", str(path)]
        subprocess.run(cmd + (["--messy"] if messy else []), check=True)
    return path


def excel_file(rows: int) -> Path:
    """The generated list of about `rows` rows as an .xlsx workbook (made once from the CSV file)."""
    path = DATA / f"esr_{rows}.xlsx"
    if not path.exists():
        import csv
        import openpyxl
        print(f"generating {path.name} ...", file=sys.stderr, flush=True)
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("Staff in post")
        with data_file(rows, False).open(encoding="utf-8-sig", newline="") as f:
            for row in csv.reader(f):
                sheet.append(row)
        book.save(path)
    return path


def command(job: str, path: Path | None) -> list[str]:
    if job == "qidose xlsx":
        return QIDOSE + ["plan", str(path), "--format", "json", *AS_OF]
    if job == "qidose xlsx openpyxl":
        argv = ["qidose", "plan", str(path), "--format", "json", *AS_OF]
        return [sys.executable, "-c", "import sys; import qidose.workbook as w; w.XLSX_WHOLE_BYTES = 0; "
                f"sys.argv = {argv!r}; from qidose.cli import main; main()"]
    if job.startswith(("qidose --version", "qidose -h")):
        return QIDOSE + [job.split()[1]]
    if job.startswith("qidose "):
        return QIDOSE + ["plan", str(path), "--format", "json", *AS_OF, "--engine", *job.split()[1:]]
    return [sys.executable, str(HERE / "reference.py"), job, str(path)]


def compiled_copy() -> Path:
    """A copy of the package with its bytecode compiled, as `pip install` leaves it (this checkout may run
    with PYTHONDONTWRITEBYTECODE=1, so every start compiles qidose's modules again)."""
    import compileall
    import tempfile
    root = Path(tempfile.mkdtemp(prefix="qidose-compiled-"))
    shutil.copytree(HERE.parent / "qidose", root / "qidose")
    shutil.copytree(HERE.parent / "config", root / "config")
    compileall.compile_dir(root / "qidose", quiet=1)
    return root


def run_once(cmd: list[str], pythonpath: Path | None = None) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak resident MB) of one run of cmd; raises if it fails."""
    env = dict(os.environ, QIDOSE_PROGRESS="0", PYTHONWARNINGS="ignore")
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                            cwd=pythonpath or None)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {err.strip()[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def measure(jobs: list[str], path: Path | None, runs: int, compiled: Path | None = None) -> dict[str, dict]:
    """Median wall and CPU, and the largest peak memory, of each job; runs interleaved. Jobs run the
    compiled copy of the package when one is given, except start-up jobs not marked '(compiled)'."""
    samples: dict[str, list] = {job: [] for job in jobs}
    for _ in range(runs):
        for job in jobs:
            checkout = job.startswith(("qidose --version", "qidose -h")) and not job.endswith("(compiled)")
            samples[job].append(run_once(command(job, path), None if checkout else compiled))
    return {job: {"wall": statistics.median(s[0] for s in runs_),
                  "cpu": statistics.median(s[1] for s in runs_),
                  "peak_mb": max(s[2] for s in runs_), "runs": len(runs_)}
            for job, runs_ in samples.items()}


def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "platform": platform.platform(), "load": os.getloadavg()}


def _cell(result: dict | None) -> str:
    if result is None:
        return "–"
    return f"{result['wall']:.3f} s · {result['cpu']:.2f} cpu · {result['peak_mb']:.0f} MB"


def _ratio(a: dict | None, b: dict | None) -> str:
    if not a or not b:
        return "–"
    return f"{a['wall'] / b['wall']:.2f}× (cpu {a['cpu'] / b['cpu']:.2f}×)"


def report(results: dict, info: dict, skipped: dict, markdown: bool) -> str:
    sizes = [s for s in results if s != "start-up"]
    jobs = [j for j in QIDOSE_JOBS + EXCEL_JOBS + REFERENCES if any(j in results[s] for s in sizes)]
    out = []
    out.append(f"machine: {info['cpus']} CPUs, {info['cpu']}, Python {info['python']}; "
               f"load average before {info['load_before'][0]:.2f}, after {info['load_after'][0]:.2f}")
    out.append(f"package run: {info.get('package', '?')}")
    out.append("cells: median wall time · median CPU time (all threads) · peak resident memory")
    out.append("")
    out.append("| job | " + " | ".join(sizes) + " |")
    out.append("|---|" + "---|" * len(sizes))
    for job in jobs:
        out.append(f"| {LABELS.get(job, job)} | " + " | ".join(_cell(results[s].get(job)) for s in sizes) + " |")
    if "start-up" in results:
        out.append("")
        out.append("Start-up (median of interleaved runs; 'compiled': with qidose's bytecode compiled, as a pip "
                   "install leaves it):")
        for job, r in results["start-up"].items():
            out.append(f"- `{job}`: {r['wall'] * 1000:.0f} ms wall, {r['cpu'] * 1000:.0f} ms CPU, {r['peak_mb']:.0f} MB "
                       f"(target < 80 ms: {'met' if r['wall'] < 0.080 else 'NOT met'})")
    out.append("")
    out.append("Ratios (wall; CPU in brackets):")
    big = results.get("1.6M", {})
    if big:
        for job in QIDOSE_JOBS:
            if job in big:
                out.append(f"- 1.6M, {job} / csv.reader count: {_ratio(big[job], big.get('csv_count'))}"
                           f" (target ≤ 1.3× for the plain path); / csv.reader + rules: "
                           f"{_ratio(big[job], big.get('csv_rules'))}")
                for ref in ("pandas", "pandas_tuned", "polars", "duckdb"):
                    if ref in big:
                        out.append(f"  - {job} / {ref}: {_ratio(big[job], big[ref])}")
        for job in ("qidose python", "qidose python --jobs 1"):
            if job in big:
                out.append(f"- 1.6M peak memory, {job}: {big[job]['peak_mb']:.0f} MB, the largest process "
                           f"(target < 60 MB)")
        if "qidose duckdb" in big:
            out.append(f"- 1.6M fast path: {big['qidose duckdb']['wall']:.2f} s (target < 0.8 s), "
                       f"{big['qidose duckdb']['peak_mb']:.0f} MB")
    trust = results.get("30k", {})
    if trust:
        best = min(("qidose python", "qidose duckdb"), key=lambda j: trust.get(j, {"wall": 1e9})["wall"])
        out.append(f"- 30k, qidose python: {trust['qidose python']['wall']:.3f} s (target well under 0.25 s)")
        for ref in ("pandas", "pandas_tuned", "polars", "duckdb"):
            if ref in trust:
                out.append(f"  - qidose python / {ref}: {_ratio(trust['qidose python'], trust[ref])}")
        out.append(f"  - fastest qidose engine at 30k: {best}")
    for job, why in skipped.items():
        out.append(f"- skipped {job}: {why}")
    text = "\n".join(out)
    return text if markdown else text.replace("`", "")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="sizes up to 30k rows only")
    parser.add_argument("--runs", type=int, default=5, help="runs per job (default 5; 3 for 1.6M rows)")
    parser.add_argument("--big-runs", type=int, default=3, help="runs per job on the 1.6M-row file")
    parser.add_argument("--only", nargs="*", help="only these jobs (e.g. 'qidose python' csv_count)")
    parser.add_argument("--sizes", nargs="*", help="only these sizes (e.g. 30k 1.6M)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--excel", action="store_true", help="only the .xlsx lists (1.5k, 6.5k, 30k), by each reader")
    parser.add_argument("--checkout", action="store_true",
                        help="run this checkout's modules as they are (without bytecode if PYTHONDONTWRITEBYTECODE "
                             "is set), not a compiled copy as pip installs it")
    args = parser.parse_args(argv)

    skipped = {job: f"{module} is not installed" for job, module in NEEDS.items()
               if importlib.util.find_spec(module) is None}
    jobs = [j for j in QIDOSE_JOBS + REFERENCES if j not in skipped]
    if args.only:
        jobs = [j for j in jobs if j in args.only]
    info = machine()
    info["load_before"] = os.getloadavg()
    results: dict[str, dict] = {}
    copy = compiled = compiled_copy()
    try:
        info["package"] = "this checkout" if args.checkout else "a copy with compiled bytecode, as pip installs it"
        startup = ["qidose --version", "qidose -h", "qidose --version (compiled)", "qidose -h (compiled)"]
        if args.checkout and args.excel:
            compiled = None
        if args.excel:   # the .xlsx lists only
            for label, rows in EXCEL_SIZES:
                path = excel_file(rows)
                print(f"{label} ({path.stat().st_size / 2**20:.1f} MB), {args.runs} runs ...", file=sys.stderr, flush=True)
                results[label] = measure(EXCEL_JOBS, path, args.runs, compiled)
        else:
            if not args.only or any(j in args.only for j in startup):
                print("start-up ...", file=sys.stderr, flush=True)
                results["start-up"] = measure([j for j in startup if not args.only or j in args.only], None,
                                              max(args.runs, 21), compiled)
            if args.checkout:
                compiled = None
            for label, rows, messy in SIZES:
                if (args.quick and rows > QUICK) or (args.sizes and label not in args.sizes):
                    continue
                path = data_file(rows, messy)
                runs = args.big_runs if rows > QUICK else args.runs
                size_jobs = jobs if not messy else [j for j in jobs if j.startswith("qidose")]
                if not size_jobs:
                    continue
                print(f"{label} ({path.stat().st_size / 2**20:.0f} MB), {runs} runs of {len(size_jobs)} jobs ...",
                      file=sys.stderr, flush=True)
                results[label] = measure(size_jobs, path, runs, compiled)
        info["load_after"] = os.getloadavg()
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    print(report(results, info, skipped, args.markdown))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": info, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
