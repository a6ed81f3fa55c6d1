"""The fast path for national-size staff lists: duckdb scans and sums, Python classifies.

duckdb (the optional extra ``qidose[fast]``) reads a plain UTF-8 CSV file twice (each scan on all the CPUs):

1. the distinct combinations of the values the rules read (status, staff group, job role, position
   title, grade, QI role, QI training, service, --by group). Python gives each distinct combination
   its level, QI role, training, service and group once, with the plain path's own ``Classifier`` and
   ``band_code``: there is no second copy of the rules.
2. the rows again, kept narrow in memory (employee number, assignment, combination, FTE and start
   text). There the employee numbers are checked, the distinct FTE and start-date values of the rows
   in post are read by the plain path's own readers, and the rows in post are joined to the answers.
   People with one row are summed by combination and start; people with several are de-duplicated
   and merged as the plain path does (highest level, FTE summed, earliest start, first QI role,
   training pooled, the first row's service and group).

Row order matters only for people whose rows disagree on QI role, service or group, and for the row
numbers in warnings: a narrow third query, and a read of the file's first rows, find those.

The result is the ``StaffList`` the plain path returns, warnings included. Header detection,
column mapping, encodings and odd files stay the plain path's job: anything unusual raises
``Fallback``, and the caller reads the file the plain way, which knows every odd shape and says
what is wrong with it.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import os
import re
import threading
from collections import Counter
from pathlib import Path

from qidose import staff as staff_mod
from qidose.classify import Classifier, band_code
from qidose.config import CAPACITY_LEVELS, Config, fold
from qidose.diagnostics import Diagnostics, Warning_
from qidose.errors import QidoseError
from qidose.census import FTE_UNIT, Census, add_people, place
from qidose.staff import StaffList
from qidose.rows import TITLES, duplicate_words, parse_date, parse_fte, whole_number
from qidose.staff_file import ReadOptions, open_rows

AUTO_BYTES = 50 * 2**20   # --engine auto: files larger than this go to duckdb (see benchmarks/README.md)
_HEAD = 65536
_EXAMPLES = 5
_FTE_UNIT = FTE_UNIT   # as the plain path: FTE in ten-thousandths, summed exactly
_UNDATED, _EARLIER, _RECENT, _LATER = 0, 1, 2, 3
_COMBINATIONS = (1 << 22) - 1
_FIELDS = {"eid": "employee_id", "asg": "assignment", "st": "status", "sg": "staff_group", "jr": "job_role",
           "pt": "position_title", "band": "band", "qr": "qi_role", "qt": "qi_training", "svc": "service",
           "grp": None, "fte": "fte", "sd": "start_date"}
_KEY = ("st", "sg", "jr", "pt", "band", "qr", "qt", "svc", "grp")   # the plain path's "combination"
_KEYS = ", ".join(_KEY)
# An employee number the plain path keys exactly as duckdb's BIGINT does: digits, no sign, no spaces,
# no leading zero (written back by duckdb, it reads the same).
_PLAIN_NUMBER = "CAST(TRY_CAST(eid AS BIGINT) AS VARCHAR) IS NOT DISTINCT FROM eid AND TRY_CAST(eid AS BIGINT) >= 0"
# A looser form of rows.half_a_name for duckdb's regular expressions (which take \s for ASCII spaces only):
# any cell it misses, the plain path's test misses too.
_SPLIT_SQL = rf"^[^0-9A-Za-z]+({'|'.join(TITLES)})"
_NO_CELL = "\x01qidose: no cell\x01"   # duckdb's NULL: a row's cells past its end (an empty cell is '')
_ID_LIMIT = 0xFFFFFFFF - (1 << 24)   # the plain path keeps larger numbers as text: identical keys either way
# Spaces or tabs between a quote and its comma or line end: duckdb reads such a cell as quoted, Python's
# csv module does not (it keeps ` "Surgery"` whole, and refuses `"Band 5" ,`). Looked for in the first
# 64 KB only: a whole-file search costs 0.4-0.9 s on a national file (benchmarks/README.md).
_LOOSE_QUOTE = re.compile(r'(?:^|,)[ \t]+"|"[ \t]+(?:,|\r?$)', re.MULTILINE)
# The plain path's warnings (qidose/rows.py), word for word, and the order it checks a row in.
_ORDER = ("band", "qi-role", "qi-training", "fte", "date")
_TEXT = {
    "band": ("a grade that is not a band qidose knows",
             "classified by job role and title alone (add the word under staff_list.band_words)", "row"),
    "qi-role": ("a QI role qidose does not know", "ignored (add it under qi_role of a capacity level)", "row"),
    "qi-training": ("QI training qidose does not know", "ignored (add it under recorded_as of a module)", "row"),
    "date": ("a start date qidose cannot read", "left out of the turnover estimate", "row"),
    "duplicate": (None, "counted once", "duplicate row"),   # its words: rows.duplicate_words (is there an assignment column?)
    "conflict": ("with assignments in more than one service or group",
                 "each counted once, where their first row puts them", "person"),
}


class Fallback(Exception):
    """The file is not one the fast path reads exactly as the plain path does; the message says why."""


def available() -> bool:
    import importlib.util   # asked only for files large enough for the fast path
    return importlib.util.find_spec("duckdb") is not None


def wanted(path: str, engine: str) -> bool:
    """Whether to try the fast path: --engine duckdb, or auto and a file over AUTO_BYTES with duckdb installed."""
    if engine == "python" or path == "-":
        return False
    if engine == "duckdb":
        return True
    try:
        return os.path.getsize(path) > AUTO_BYTES and available()
    except OSError:
        return False


def read(path: str, config: Config, options: ReadOptions = ReadOptions(), by: str | None = None,
         as_of: dt.date | None = None, trained: dict[str, frozenset[str]] | None = None,
         progress=None) -> StaffList:
    """Read a staff list as ``staff.read`` does, or raise Fallback. `progress(fraction)` hears how far it is."""
    if not available():
        raise Fallback("duckdb is not installed (pip install 'qidose[fast]')")
    text = _plain_csv(path, options)
    diagnostics = Diagnostics(path)
    try:
        name, line, header, index, by_index, split_columns = _header(path, text, config, options, by, diagnostics)
    except QidoseError as e:
        raise Fallback(f"the header: {e}") from None
    except (UnicodeError, csv.Error):
        raise Fallback("the rows above the header do not read") from None
    _last_row(path, index["employee_id"])
    scan = _Scan(name, path, config, index, by_index, len(header), line, as_of or dt.date.today(), diagnostics,
                 split_columns)
    whole, groups, unmatched = scan.run(trained or {}, progress)
    if staff_mod.group_refusal(by, groups, whole.people):
        raise Fallback("--by a column that identifies people")   # the plain path refuses it
    staff_mod.group_cautions(by, groups, diagnostics)
    columns = {f: header[i] for f, i in index.items()}
    return StaffList(name, whole, groups, columns, scan.rows_read, scan.rows_in_post, scan.as_of, diagnostics,
                     unmatched)


# -- is this a plain CSV file? -------------------------------------------------------------------

def _plain_csv(path: str, options: ReadOptions) -> str:
    """The decoded first 64 KB of a comma-separated UTF-8 file on disk; Fallback for anything else."""
    if path == "-":
        raise Fallback("stdin")
    p = Path(path)
    if not p.is_file():
        raise Fallback("not a file")
    if p.suffix.lower() in (".xlsx", ".xlsm", ".xls") or options.sheet is not None:
        raise Fallback("not a CSV file")
    if options.delimiter not in (None, ","):
        raise Fallback(f"--delimiter {options.delimiter!r}")
    try:
        encoding = codecs.lookup(options.encoding).name
    except LookupError:
        raise Fallback(f"--encoding {options.encoding!r}") from None
    if encoding not in ("utf-8", "utf-8-sig"):
        raise Fallback(f"--encoding {options.encoding}")
    with open(p, "rb") as f:
        head = f.read(_HEAD)
    if head.startswith((b"PK\x03\x04", codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        raise Fallback("not a plain text file")
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        raise Fallback("not UTF-8 text") from None
    if "\r" in text.replace("\r\n", ""):
        raise Fallback("line endings other than CRLF or LF")
    if _LOOSE_QUOTE.search(text):
        raise Fallback("spaces between a quote and its comma")
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    tabs, semis, commas = (sum(line.count(c) for line in lines) for c in ("\t", ";", ","))
    if commas < tabs or commas < semis:
        raise Fallback("not comma-separated")
    return text


def _last_row(path: str, eid: int) -> None:
    """Fallback at once for a file whose last row has no plain employee number, as a total row at the
    foot of an export: scan 2 would find it, but only after two scans of the file. (A last row inside a
    quoted cell that runs over several lines can look like one: the plain path then reads the file,
    with the same plan, only slower.)"""
    with open(path, "rb") as f:
        f.seek(max(f.seek(0, os.SEEK_END) - _HEAD, 0))
        lines = [line for line in f.read().decode("utf-8", "replace").split("\n") if line.strip()]
    try:
        cells = next(csv.reader(lines[-1:]), [])
    except csv.Error:
        return   # the scans say what it is
    number = cells[eid] if eid < len(cells) else ""
    # digits, no leading zero, and few enough to be a BIGINT (as _PLAIN_NUMBER asks), not turned into a number
    if not (number.isascii() and number.isdigit() and len(number) < 19 and (number == "0" or number[0] != "0")):
        raise Fallback("the last row's employee number is not a plain number (a total row?)")


def _header(path, text, config, options, by, diagnostics):
    """The header row and the columns, found by the plain path's own functions."""
    source = open_rows(path, options)
    line, header = staff_mod._find_header(source, config, options, by)
    if '"' in "\n".join(text.split("\n")[:line - 1]):
        raise Fallback("quotes in the rows above the header")
    index = staff_mod._map_columns(source.name, header, config, diagnostics)
    by_index = None
    if by is not None:
        by_index = staff_mod._find_column(header, by)
        if by_index is None or staff_mod.header_refusal(by, config.staff_list.never_group_by):
            raise Fallback(f"--by {by!r}")   # the plain path says what is wrong
    return source.name, line, header, index, by_index, staff_mod.split_name_columns(source, line, index, by_index)


# -- the scans -----------------------------------------------------------------------------------

class _Scan:
    def __init__(self, name, path, config: Config, index, by_index, width, header_line, as_of, diagnostics,
                 split_columns=()):
        import duckdb
        self.duckdb = duckdb
        self.name, self.path, self.config, self.index, self.by_index = name, path, config, index, by_index
        self.width, self.header_line, self.as_of, self.diagnostics = width, header_line, as_of, diagnostics
        self.split_columns = split_columns
        self.year_ago = as_of - dt.timedelta(days=365)
        self.classifier = Classifier(config)
        self.role_order = config.role_order   # a level's number: min() over a person's rows is the highest
        self.modules = list(config.modules)
        if len(self.modules) > 62:
            raise Fallback("more than 62 modules")
        self.kinds: dict[str, tuple] = {}         # warning kind -> (count, words) as the plain path gives them
        self.wanted: dict[str, set] = {}          # warning kind -> the values whose rows the plain path names
        self.cids: dict[int, int] = {}            # combination hash -> index into self.combinations
        self.fte_words: dict[str, tuple] = {}     # FTE value -> the words of its warning
        self.meaning: dict[tuple, tuple] = {}     # (QI role index, training mask) -> (QI role, training)

    # the CSV as duckdb reads it: every column text, an empty cell ''; one column more than the header,
    # NULL unless a row is longer (scan 1 hands such files back, and files with short rows)
    def _source(self, ordinality: bool = False) -> str:
        columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(self.width + 1))
        path = str(self.path).replace("'", "''")
        return (f"read_csv('{path}', columns={{{columns}}}, header=false, skip={self.header_line}, delim=',', "
                f"quote='\"', escape='\"', auto_detect=false, strict_mode=true, null_padding=true, "
                f"nullstr='{_NO_CELL}')"
                + (" WITH ORDINALITY" if ordinality else ""))

    def _cells(self, names) -> str:
        """The named cells of a row: coalesce(cN, '') AS name, or '' for a column the file does not have."""
        out = []
        for name in names:
            i = self.by_index if name == "grp" else self.index.get(_FIELDS[name])
            out.append(("''" if i is None else f"coalesce(c{i}, '')") + f" AS {name}")
        return ", ".join(out)

    def run(self, trained: dict[str, frozenset[str]], progress):
        # row order is not needed by the two scans (a third, narrow query turns it back on when it is)
        self.con = self.duckdb.connect(":memory:", config={"preserve_insertion_order": False})
        try:
            with _Watch(self.con, progress) as watch:
                self._discover()
                watch.phase = 1
                out = self._people(trained)
        except (self.duckdb.InterruptException, RuntimeError) as e:
            if isinstance(e, RuntimeError) and not str(e).startswith("Query interrupted"):
                raise
            raise KeyboardInterrupt from None   # Ctrl-C during a query: stop, as the plain path does
        except self.duckdb.Error as e:
            raise Fallback(f"duckdb: {str(e).splitlines()[0]}") from None
        finally:
            self.con.close()
        self._warnings(out[3])
        return out[:3]

    def _table(self, name: str, columns: list[tuple[str, str]], values: list[tuple]) -> None:
        spec = ", ".join(f"unnest(?::{kind}[]) AS {col}" for col, kind in columns)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {spec}",
                         [list(column) for column in zip(*values)] if values else [[] for _ in columns])

    # scan 1: distinct combinations ---------------------------------------------------------------
    def _discover(self) -> None:
        # a name split at its comma (staff.split_name_columns): a names cell without its comma, a title after it
        split = " OR ".join(f"(NOT contains(coalesce(c{i}, ''), ',') AND regexp_matches(coalesce(c{i + 1}, ''), "
                            f"'{_SPLIT_SQL}'))" for i in self.split_columns) or "false"
        rows = self.con.execute(f"""
            SELECT hash({_KEYS}), {_KEYS}, count(*), count(*) FILTER (WHERE longer), count(*) FILTER (WHERE shorter),
                   count(*) FILTER (WHERE split)
            FROM (SELECT {self._cells(_KEY)}, c{self.width} IS NOT NULL AS longer, c{self.width - 1} IS NULL AS shorter,
                         {split} AS split
                  FROM {self._source()}) GROUP BY {_KEYS}""").fetchall()
        keys, statuses, longer, shorter, halves = [], Counter(), 0, 0, 0
        for kh, *key, n, more, fewer, half in rows:
            keys.append((tuple(key), kh))
            statuses[key[0]] += n
            longer, shorter, halves = longer + more, shorter + fewer, halves + half
        if halves:   # perhaps (duckdb's test is the looser): the plain path judges each row
            raise Fallback("a row with half of an unquoted name after its names cell")
        if longer:   # the plain path tells a separator after every row from one inside an unquoted value
            raise Fallback(f"{longer:,} row{'s' if longer > 1 else ''} with more cells than the header")
        if shorter:
            raise Fallback(f"{shorter:,} row{'s' if shorter > 1 else ''} with fewer cells than the header")
        if len(keys) != len({kh for _, kh in keys}):
            raise Fallback("two combinations of values with one hash")   # 64 bits: all but impossible
        self.rows_read = sum(statuses.values())
        self.kept = {st for st in statuses if "status" not in self.index or fold(st) in self.config.staff_list.in_post}
        known = self.config.staff_list.not_in_post
        if "status" in self.index and known is not None and any(fold(st) not in known for st in statuses if st not in self.kept):
            raise Fallback("a status the policy does not list")   # the plain path names each such row
        self.rows_in_post = sum(statuses[st] for st in self.kept)
        if not self.rows_in_post:
            raise Fallback("no staff rows in post")   # the plain path says what is wrong
        self._map_keys([k for k in keys if k[0][0] in self.kept])

    def _map_keys(self, keys) -> None:
        """Each distinct combination: its level, QI role, training, service and group, worked out once."""
        if len(keys) > _COMBINATIONS:
            raise Fallback("too many distinct combinations")
        words = self.config.staff_list.band_words
        levels, qis, places = {}, {}, {}
        self.combinations = []
        bad_bands, bad_roles, bad_training = set(), set(), set()
        for (st, sg, jr, pt, band, qr, qt, svc, grp), kh in keys:
            self.cids[kh] = len(self.combinations)
            role_key = (sg, jr, pt, band)
            if role_key not in levels:
                code = band_code(band, words) if band.strip() else None
                if band.strip() and code is None:
                    bad_bands.add(role_key)
                levels[role_key] = self.role_order.index(self.classifier.level(sg, jr, pt, code))
            if (qr, qt) not in qis:
                role = self.classifier.qi_role(qr) if qr.strip() else None
                if qr.strip() and role is None:
                    bad_roles.add((qr, qt))
                modules, unknown = self.classifier.trained_modules(qt)
                if unknown:
                    bad_training.add((qr, qt))
                qis[(qr, qt)] = (None if role is None else CAPACITY_LEVELS.index(role),
                                 sum(1 << self.modules.index(m) for m in modules))
            where = places.setdefault(place(svc, grp), len(places))
            self.combinations.append((levels[role_key], *qis[(qr, qt)], where))
        self.places = list(places)
        for kind, values in (("band", bad_bands), ("qi-role", bad_roles), ("qi-training", bad_training)):
            if values:   # one warning per distinct value, at the first row that has it
                self.kinds[kind] = (len(values), _TEXT[kind])
                self.wanted[kind] = values
        self._table("keys", [("kh", "UBIGINT"), ("cid", "INTEGER")], list(self.cids.items()))
        self._table("combos", [("cid", "INTEGER"), ("lvl", "UTINYINT"), ("role", "UTINYINT"), ("mask", "UBIGINT"),
                               ("pid", "INTEGER")], [(cid, *c) for cid, c in enumerate(self.combinations)])

    def _map_fte(self, ftes) -> None:
        """Each distinct FTE value of the rows in post, (value, rows), read as the plain path reads it."""
        values, counts = {}, {}
        for raw, n in ftes:
            value, problem = parse_fte(raw) if "fte" in self.index else (0.0, None)
            values[raw] = (round(value * _FTE_UNIT), problem, value)
            if problem is not None:
                counts[raw] = n
        for raw, n in counts.items():   # the plain path names every such row
            _, (kind, what), value = values[raw]
            self.wanted.setdefault("fte-" + kind, set()).add(raw)
            count, _ = self.kinds.get("fte-" + kind, (0, None))
            self.kinds["fte-" + kind] = (count + n, None)   # its words: those of its first row (see _warnings)
            self.fte_words[raw] = (what, "counted as 0 FTE" if value == 0 else "read as shown", "row")
        self._table("ftes", [("fte", "VARCHAR"), ("u", "INTEGER")], [(raw, v[0]) for raw, v in values.items()])

    def _map_dates(self, dates) -> None:
        """Each distinct start date of the rows in post, (text, rows): its category, as the plain path reads it."""
        values, bad = {}, 0
        for raw, n in dates:
            date = parse_date(raw) if "start_date" in self.index else None
            values[raw] = (_UNDATED if date is None else _EARLIER if date <= self.year_ago
                           else _RECENT if date <= self.as_of else _LATER)
            if date is None and raw.strip():
                self.wanted.setdefault("date", set()).add(raw)
                bad += n      # the plain path names every such row
        if bad:
            self.kinds["date"] = (bad, _TEXT["date"])
        self._table("dates", [("sd", "VARCHAR"), ("cat", "UTINYINT")], list(values.items()))

    # scan 2: people ---------------------------------------------------------------------------------
    def _people(self, trained: dict[str, frozenset[str]]):
        """People with one row are counted by combination and start; people with several rows, or with
        training records, are de-duplicated and merged one by one, as the plain path does."""
        records = {}
        for eid, modules in trained.items():
            text = eid.strip()
            number = whole_number(text)
            # as the plain path matches them: numbers, but larger ones (kept as text there) only as written
            if number is not None and (number < _ID_LIMIT or (text == str(number) and number < 2**63)):
                mask = sum(1 << self.modules.index(m) for m in modules if m in self.modules)
                records[number] = records.get(number, 0) | mask
        self._table("records", [("eid", "BIGINT"), ("extra", "UBIGINT")], list(records.items()))
        # The rows again, kept narrow in memory, then joined to the answers (which leaves the rows in post)
        # and grouped there. Joining during the scan was slower and its peak memory unsteady (up to 820 MB).
        self.con.execute(f"""
            CREATE TEMP TABLE raw AS
            SELECT CASE WHEN {_PLAIN_NUMBER} THEN TRY_CAST(eid AS BIGINT) END AS eid, hash(asg) AS ah,
                   hash({_KEYS}) AS kh, fte, sd
            FROM (SELECT {self._cells(("eid", "asg", "fte", "sd") + _KEY)} FROM {self._source()})""")
        odd, largest = self.con.execute("SELECT count(*) FILTER (WHERE eid IS NULL), max(eid) FROM raw").fetchone()
        if odd:
            raise Fallback(f"{odd:,} row{'s' if odd > 1 else ''} whose employee number is not a plain number (a blank, "
                           "a total, a text id)")
        self.large_ids = (largest or 0) >= _ID_LIMIT   # kept as text by the plain path, and sorted after the others
        # the distinct FTE and start-date values of the rows in post (those whose combination is kept)
        values = self.con.execute("""
            SELECT grouping(fte) = 0, fte, sd, count(*) FROM raw SEMI JOIN keys USING (kh)
            GROUP BY GROUPING SETS ((fte), (sd))""").fetchall()
        self._map_fte([(fte, n) for is_fte, fte, _, n in values if is_fte])
        self._map_dates([(sd, n) for is_fte, _, sd, n in values if not is_fte])
        self.con.execute("""
            CREATE TEMP TABLE r AS
            SELECT eid, ah, cid, u, cat FROM raw JOIN keys USING (kh) JOIN ftes USING (fte) JOIN dates USING (sd)""")
        self.con.execute("DROP TABLE raw")
        self.con.execute("""
            CREATE TEMP TABLE several AS
            SELECT eid FROM r GROUP BY eid HAVING count(*) > 1 UNION SELECT eid FROM records""")
        cells = self.con.execute("""
            WITH m AS (
                SELECT eid, ah, cid, u, cat, several.eid IS NOT NULL AS merge FROM r LEFT JOIN several USING (eid)),
            d AS MATERIALIZED (   -- per combination and start; or per distinct row of a person to merge
                SELECT CASE WHEN merge THEN eid END AS eid,
                       CASE WHEN merge THEN hash(ah, cid, u, cat) ELSE cid * 4 + cat END AS k,
                       count(*) AS c, sum(u) AS u, min(cid) AS cid, min(cat) AS cat
                FROM m GROUP BY 1, 2),
            p AS (   -- a person: the plain path's _add_person, but for the row order (see _ordered)
                SELECT eid, sum(c) AS c, sum(c) - count(*) AS dups, min(lvl) AS lvl, sum(u // c) AS u,
                       min(role) AS role, bit_or(mask) | coalesce(any_value(extra), 0) AS mask,
                       bit_or(1 << cat) AS cats, min(pid) AS pid,
                       min(pid) <> max(pid) OR min(role) <> max(role) AS ordered, min(pid) <> max(pid) AS moved,
                       any_value(extra) IS NOT NULL AS matched
                FROM d JOIN combos USING (cid) LEFT JOIN records USING (eid) WHERE eid IS NOT NULL GROUP BY eid)
            SELECT NULL, lvl, role, mask, pid, 1 << cat, sum(c), sum(u), 0, 0, 0, sum(c), NULL, NULL
            FROM d JOIN combos USING (cid) WHERE eid IS NULL GROUP BY lvl, role, mask, pid, cat
            UNION ALL
            SELECT CASE WHEN ordered THEN eid END, lvl, role, mask, pid, cats, count(*), sum(u),
                   sum(dups), count(*) FILTER (WHERE moved), count(*) FILTER (WHERE matched), sum(c),
                   min(eid) FILTER (WHERE dups > 0), min(eid) FILTER (WHERE moved)
            FROM p GROUP BY CASE WHEN ordered THEN eid END, lvl, role, mask, pid, cats""").fetchall()
        whole, groups = Census(), {}
        matched = dups = moved = rows = 0
        first_dup = first_moved = None
        ordered = {}
        for eid, lvl, role, mask, pid, cats, people, units, n_dups, n_moved, n_matched, n, dup, move in cells:
            first_dup, first_moved = _least(first_dup, dup), _least(first_moved, move)
            matched += n_matched
            dups += n_dups
            moved += n_moved
            rows += n
            if eid is not None:
                ordered[eid] = (lvl, mask, cats, units)
                continue
            self._add(whole, groups, lvl, role, mask, pid, cats, people, units)
        if rows != self.rows_in_post:
            raise Fallback("rows lost between the scans")   # the file changed while it was read
        if ordered:
            self._ordered(ordered, whole, groups)
        if dups and moved and self.large_ids:
            raise Fallback("employee numbers too large to be numbers")   # the plain path orders those apart
        # the plain path counts these after the read, person by person in employee number order
        after = [(first_dup, 0, "duplicate", dups), (first_moved, 1, "conflict", moved)]
        return whole, groups, len(trained) - matched, sorted(a for a in after if a[3])

    def _ordered(self, people: dict, whole, groups) -> None:
        """People whose rows disagree on QI role, service or group: the first row (that has one) counts."""
        self._table("ordered", [("eid", "BIGINT")], [(e,) for e in people])
        self.con.execute("SET preserve_insertion_order = true")   # ordinality in file order
        rows = self.con.execute(f"""
            SELECT eid, kh FROM (
                SELECT ordinality AS o, CAST(eid AS BIGINT) AS eid, hash({_KEYS}) AS kh
                FROM (SELECT ordinality, {self._cells(("eid",) + _KEY)} FROM {self._source(ordinality=True)}))
            SEMI JOIN ordered USING (eid) ORDER BY o""").fetchall()
        first: dict[int, list] = {}
        for eid, kh in rows:
            cid = self.cids.get(kh)
            if cid is None:
                continue   # not in post
            lvl, role, mask, pid = self.combinations[cid]
            person = first.setdefault(eid, [None, pid])
            if person[0] is None:
                person[0] = role
        for eid, (lvl, mask, cats, units) in people.items():
            role, pid = first[eid]
            self._add(whole, groups, lvl, role, mask, pid, cats, 1, units)

    def _add(self, whole, groups, lvl, role_i, mask, pid, cats, people, units) -> None:
        """As the plain path's census: `people` people of one level, role, training, place and start."""
        service, group = self.places[pid]
        known = self.meaning.get((role_i, mask))
        if known is None:
            known = self.meaning[(role_i, mask)] = (
                None if role_i is None else CAPACITY_LEVELS[role_i],
                frozenset(m for i, m in enumerate(self.modules) if mask >> i & 1))
        dated = people if cats & ~(1 << _UNDATED) else 0
        joiners = people if cats & (1 << _RECENT) and not cats & (1 << _EARLIER) else 0
        add_people(self.classifier, whole, None if self.by_index is None else groups, self.role_order[lvl],
                             units, known[0], known[1], service, group, people, dated, joiners)

    # warnings, in the plain path's order and words ------------------------------------------------------
    def _warnings(self, after: list[tuple]) -> None:
        """Read-time warnings in the order the plain path meets them, with their first rows; then the
        duplicate rows and the people in several services, which it counts after the read."""
        found = _first_rows(self.path, self.header_line, self.index, self.by_index, self.kept, self.wanted,
                            {kind: count for kind, (count, _) in self.kinds.items()}) if self.kinds else {}
        if set(found) != set(self.kinds):
            raise Fallback("the rows of a warning are not where duckdb found them")   # cannot happen
        for kind in sorted(self.kinds, key=lambda k: found[k][0]):
            count, words = self.kinds[kind]
            if words is None:   # an FTE kind: the words of its first row's value
                words = self.fte_words[found[kind][2]]
            self.diagnostics.warnings[kind] = Warning_(*words[:2], words[2], found[kind][1], count)
        for _, _, kind, count in after:
            what, action, unit = _TEXT[kind]
            if kind == "duplicate":
                what = duplicate_words("assignment" in self.index)
            self.diagnostics.warnings[kind] = Warning_(what, action, unit, [], count)


def _least(a, b):
    return b if a is None else a if b is None else min(a, b)


def _first_rows(path, header_line, index, by_index, kept, wanted, counts) -> dict:
    """Read the file from the top until every kind of read-time warning has its first rows, as the plain
    path gives them: kind -> ((row, check order) of its first row, its first five rows, first value)."""
    get = {name: (by_index if name == "grp" else index.get(_FIELDS[name])) for name in _FIELDS}
    role_key = [get[f] for f in ("sg", "jr", "pt", "band")]
    qi_key = [get[f] for f in ("qr", "qt")]
    st, fte, sd = get["st"], get["fte"], get["sd"]
    per_value = {"band": role_key, "qi-role": qi_key, "qi-training": qi_key}
    seen: dict[str, set] = {kind: set() for kind in per_value}
    need = {kind: min(_EXAMPLES, count) for kind, count in counts.items()}
    found: dict[str, list] = {}

    def cell(cells, i):
        return cells[i] if i is not None and i < len(cells) else ""

    def note(kind, order, line, value):
        entry = found.get(kind)
        if entry is None:
            found[kind] = entry = [(line, order), [], value]
        if len(entry[1]) < _EXAMPLES:
            entry[1].append(line)

    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        for cells in reader:
            line = reader.line_num
            if line <= header_line or not cells or (st is not None and cell(cells, st) not in kept):
                continue
            for order, kind in enumerate(_ORDER):
                if kind in per_value:
                    if kind in wanted:
                        key = tuple(cell(cells, i) for i in per_value[kind])
                        if key in wanted[kind] and key not in seen[kind]:
                            seen[kind].add(key)
                            note(kind, order, line, key)
                elif kind == "fte":
                    raw = cell(cells, fte)
                    for k in wanted:
                        if k.startswith("fte-") and raw in wanted[k]:
                            note(k, order, line, raw)
                elif "date" in wanted and cell(cells, sd) in wanted["date"]:
                    note("date", order, line, cell(cells, sd))
            if all(kind in found and len(found[kind][1]) >= n for kind, n in need.items()):
                break
    return found


class _Watch:
    """Pass duckdb's query progress to `progress(fraction)` from a thread while the two scans run
    (`phase` 0, then 1: each is half the way)."""

    def __init__(self, con, progress):
        self.con, self.progress = con, progress
        self.done = threading.Event()
        self.thread = None
        self.phase = 0

    def __enter__(self):
        if self.progress is not None:
            self.con.execute("SET enable_progress_bar = true; SET enable_progress_bar_print = false")
            self.thread = threading.Thread(target=self._poll, name="qidose-duckdb-progress", daemon=True)
            self.thread.start()
        return self

    def _poll(self):
        best = 0.0
        while not self.done.wait(0.1):
            try:
                value = self.con.query_progress()
            except Exception:  # between queries, or closing
                continue
            if value is not None and value >= 0:
                best = max(best, (self.phase + min(value, 100.0) / 100) / 2)
                self.progress(best)

    def __exit__(self, *exc):
        self.done.set()
        if self.thread is not None:
            self.thread.join()
        return False
