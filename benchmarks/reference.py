"""The reference points of issue 6: the same grouping done by hand, to put qidose's timings beside.

Each job reads an ESR-like staff list (benchmarks/esr_generator.py), keeps the in-post rows, gives
each row a level with qidose's own membership rules (qidose.classify.Classifier, run once per
distinct combination of staff group, job role, position title and grade, except `pandas`, which
evaluates the rules column-wise) and sums rows and FTE per level. They do less than `qidose plan`:
no merging of a person's rows, no duplicates, no warnings, no plan. `csv_count` only counts rows.

    python benchmarks/reference.py JOB FILE      # prints {"level": [rows, fte], ...} as JSON

Jobs: csv_count, csv_rules, dictreader, pandas, pandas_tuned, polars, duckdb. Not part of the tests.
"""

from __future__ import annotations

import csv
import json
import sys

csv.field_size_limit(2**31 - 1)
COLUMNS = {"status": "Assignment Status", "staff_group": "Staff Group", "job_role": "Job Role",
           "position_title": "Position Title", "band": "Grade", "fte": "FTE"}
RULE_COLUMNS = ["Staff Group", "Job Role", "Position Title", "Grade"]


def _rules():
    """qidose's rules: (level of a distinct combination, is a status in post, FTE as a number)."""
    from qidose import config as config_mod
    from qidose.classify import Classifier, band_code
    from qidose.config import fold
    config = config_mod.load()
    classifier = Classifier(config)
    words = config.staff_list.band_words

    def level(staff_group, job_role, title, grade):
        band = band_code(grade, words) if grade and grade.strip() else None
        return classifier.level(staff_group or "", job_role or "", title or "", band)

    def in_post(status):
        return fold(status or "") in config.staff_list.in_post

    return level, in_post, config


def _fte(text) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return 0.0


def _print(sums) -> None:
    print(json.dumps({level: [rows, round(fte, 2)] for level, (rows, fte) in sorted(sums.items())}))


# -- plain Python --------------------------------------------------------------------------------

def csv_count(path: str) -> None:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = sum(1 for _ in csv.reader(f)) - 1
    print(json.dumps({"rows": rows}))


def csv_rules(path: str) -> None:
    level, in_post, _ = _rules()
    sums, levels, statuses = {}, {}, {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        st, sg, jr, pt, band, fte = (header.index(COLUMNS[k]) for k in COLUMNS)
        for row in reader:
            keep = statuses.get(row[st])
            if keep is None:
                keep = statuses[row[st]] = in_post(row[st])
            if not keep:
                continue
            key = (row[sg], row[jr], row[pt], row[band])
            lvl = levels.get(key)
            if lvl is None:
                lvl = levels[key] = level(*key)
            total = sums.get(lvl)
            if total is None:
                total = sums[lvl] = [0, 0.0]
            total[0] += 1
            total[1] += _fte(row[fte])
    _print(sums)


def dictreader(path: str) -> None:
    level, in_post, _ = _rules()
    sums, levels, statuses = {}, {}, {}
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            status = row[COLUMNS["status"]]
            keep = statuses.get(status)
            if keep is None:
                keep = statuses[status] = in_post(status)
            if not keep:
                continue
            key = tuple(row[c] for c in RULE_COLUMNS)
            lvl = levels.get(key)
            if lvl is None:
                lvl = levels[key] = level(*key)
            total = sums.setdefault(lvl, [0, 0.0])
            total[0] += 1
            total[1] += _fte(row[COLUMNS["fte"]])
    _print(sums)


# -- dataframes and duckdb -------------------------------------------------------------------------

def pandas(path: str) -> None:
    """read_csv with default types, the rules evaluated column-wise (isin, str.contains), groupby."""
    import warnings

    import numpy as np
    import pandas as pd
    from qidose.classify import band_code
    warnings.filterwarnings("ignore", "This pattern is interpreted as a regular expression")
    _, _, config = _rules()
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")

    def fold(s):
        return s.str.lower().str.replace(r"[^0-9a-z]+", "", regex=True)

    df = df[fold(df[COLUMNS["status"]]).isin(config.staff_list.in_post)]
    role, group, title = fold(df["Job Role"]), fold(df["Staff Group"]), df["Position Title"]
    band = df["Grade"].map(lambda g: band_code(g, config.staff_list.band_words) if g.strip() else None)
    conditions = []
    for rule in config.membership:
        hit = role.isin(rule.job_role) | group.isin(rule.staff_group) | band.isin(rule.band)
        for pattern in rule.position_title:
            hit |= title.str.contains(pattern.pattern, case=False, regex=True)
        conditions.append(hit.to_numpy())
    df = df.assign(level=np.select(conditions, [r.level for r in config.membership], default="all_staff"),
                   fte=pd.to_numeric(df[COLUMNS["fte"]], errors="coerce").fillna(0.0))
    out = df.groupby("level").agg(rows=("fte", "size"), fte=("fte", "sum"))
    _print({lvl: (int(r.rows), float(r.fte)) for lvl, r in out.iterrows()})


def pandas_tuned(path: str) -> None:
    """Only the columns needed, as categories; the rules once per distinct combination."""
    import pandas as pd
    level, in_post, _ = _rules()
    use = list(COLUMNS.values())
    df = pd.read_csv(path, usecols=use, dtype={c: "category" for c in use if c != "FTE"},
                     keep_default_na=False, encoding="utf-8-sig")
    status = df[COLUMNS["status"]]
    df = df[status.map({s: in_post(s) for s in status.cat.categories}).astype(bool)]
    df = df.assign(fte=pd.to_numeric(df["FTE"], errors="coerce").fillna(0.0))
    combos = df.groupby(RULE_COLUMNS, observed=True).agg(rows=("fte", "size"), fte=("fte", "sum")).reset_index()
    combos["level"] = [level(*key) for key in combos[RULE_COLUMNS].itertuples(index=False, name=None)]
    out = combos.groupby("level").agg(rows=("rows", "sum"), fte=("fte", "sum"))
    _print({lvl: (int(r.rows), float(r.fte)) for lvl, r in out.iterrows()})


def polars(path: str) -> None:
    """A lazy scan of the columns needed, group_by the combinations, the rules once per combination."""
    import polars as pl
    level, in_post, _ = _rules()
    combos = (pl.scan_csv(path, infer_schema=False, encoding="utf8")
              .select([pl.col(c) for c in COLUMNS.values()])
              .with_columns(pl.col("FTE").cast(pl.Float64, strict=False).fill_null(0.0))
              .group_by([COLUMNS["status"], *RULE_COLUMNS])
              .agg(pl.len().alias("rows"), pl.col("FTE").sum().alias("fte"))
              .collect())
    sums = {}
    for status, *key, rows, fte in combos.iter_rows():
        if in_post(status):
            total = sums.setdefault(level(*key), [0, 0.0])
            total[0] += rows
            total[1] += fte
    _print(sums)


def duckdb(path: str) -> None:
    """read_csv_auto and GROUP BY the combinations; the rules once per combination."""
    import duckdb as ddb
    level, in_post, _ = _rules()
    cols = ", ".join(f'"{c}"' for c in [COLUMNS["status"], *RULE_COLUMNS])
    rows = ddb.sql(f"""SELECT {cols}, count(*), sum(TRY_CAST("FTE" AS DOUBLE))
                       FROM read_csv_auto('{path}', all_varchar=true) GROUP BY ALL""").fetchall()
    sums = {}
    for status, *key, n, fte in rows:
        if in_post(status):
            total = sums.setdefault(level(*key), [0, 0.0])
            total[0] += n
            total[1] += fte or 0.0
    _print(sums)


JOBS = {f.__name__: f for f in (csv_count, csv_rules, dictreader, pandas, pandas_tuned, polars, duckdb)}
NEEDS = {"pandas": "pandas", "pandas_tuned": "pandas", "polars": "polars", "duckdb": "duckdb"}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in JOBS:
        print(f"usage: reference.py {{{','.join(JOBS)}}} FILE", file=sys.stderr)
        return 2
    JOBS[argv[0]](argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
