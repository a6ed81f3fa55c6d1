"""Warnings about the input, counted: one line per kind of problem, never one per row.

A message names the file, what was wrong, how many rows, the first few row numbers
and what qidose did about it. It never quotes a name: row numbers identify rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_EXAMPLES = 5


@dataclass
class Warning_:
    """One kind of warning about the staff list: what was wrong, what qidose did, how often, first rows."""

    what: str              # "FTE is not a number"
    action: str            # "counted as 0 FTE"
    unit: str = "row"      # what is counted: rows, or people
    rows: list[int] = field(default_factory=list)
    count: int = 0


@dataclass
class Diagnostics:
    """The warnings and notes about one staff list, for stderr and the outputs (rows, never names)."""

    source: str
    warnings: dict[str, Warning_] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)      # said under -v only
    cautions: list[str] = field(default_factory=list)   # about the columns, not rows: said first, as warnings

    def warn(self, kind: str, row: int | None, what: str, action: str, unit: str = "row", count: int = 1) -> None:
        w = self.warnings.get(kind)
        if w is None:
            w = self.warnings[kind] = Warning_(what, action, unit)
        w.count += count
        if row is not None and len(w.rows) < _EXAMPLES:
            w.rows.append(row)

    def add(self, kind: str, what: str, action: str, rows: list[int], count: int, unit: str = "row") -> None:
        """`count` more of a kind of warning, with their first rows (as merged from another reader)."""
        w = self.warnings.get(kind)
        if w is None:
            w = self.warnings[kind] = Warning_(what, action, unit)
        w.count += count
        w.rows.extend(rows[:_EXAMPLES - len(w.rows)])

    def note(self, text: str) -> None:
        self.notes.append(text)

    def caution(self, text: str) -> None:
        """A warning about the file as a whole (a column it lacks, or one that may not mean what it seems)."""
        self.cautions.append(text)

    def lines(self) -> list[str]:
        out = [f"{self.source}: {text}" for text in self.cautions]
        for w in self.warnings.values():
            unit = w.unit if w.count == 1 else {"person": "people"}.get(w.unit, w.unit + "s")
            where = ""
            if w.rows:
                more = ", ..." if w.count > len(w.rows) else ""
                where = f" ({'row' if len(w.rows) == 1 else 'rows'} {', '.join(map(str, w.rows))}{more})"
            out.append(f"{self.source}: {w.count:,} {unit}: {w.what}{where}; {w.action}")
        return out

    def __bool__(self) -> bool:
        return bool(self.warnings or self.cautions)
