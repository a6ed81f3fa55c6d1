"""The board paper as data: the types `report.build` fills in and `render/html.py` and
`render/paper_md.py` read, and the way every part of the paper writes a date, a count and a share.

A ``Cell`` is a piece of text, with the figure it shows (``ref``) when it shows one; ``Table``,
``Chart``, ``Years`` and ``Paper`` are made of cells. `report.py`, `report_years.py` and
`report_appendix.py` fill them in; nothing here imports those back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from qidose import __version__
from qidose.render.columns import fmt


@dataclass(frozen=True)
class Cell:
    text: str
    ref: str | None = None        # "board.gap", "totals.gap", "organisation.staff_in_post": the figure shown
    numeric: bool = False
    detail: str | None = None     # a second, smaller line (a policy key and its YAML line)


@dataclass(frozen=True)
class Table:
    id: str
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None = None     # a last row in bold
    group: str | None = None                  # the --by value the table is about
    note: str | None = None


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float | None, ...]          # None: hidden by --suppress-below
    markers: tuple[str | None, ...]           # what to print instead of a hidden bar


@dataclass(frozen=True)
class Panel:
    title: str
    series: tuple[Series, ...]


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    categories: tuple[str, ...]
    panels: tuple[Panel, ...]
    alt: str                                  # a sentence for screen readers and the Markdown image
    kind: ClassVar[str] = "bars"


@dataclass(frozen=True)
class Line:
    label: str
    points: tuple[tuple[int, float], ...]     # (year, coverage of the level's target, 0 to 1); year 0 is now
    index: int                                # the level's place in the plan: its colour and marker


@dataclass(frozen=True)
class YearsChart:
    """The plan over the years: each level's coverage by year, and the hours used each year."""

    id: str
    title: str
    years: int
    lines: tuple[Line, ...]                   # levels withheld by --suppress-below are left out
    hours: tuple[float, ...] | None           # learning hours used in years 1..N; None: withheld (--suppress-below)
    budget: float | None                      # learning hours a year; None: no limit
    alt: str
    kind: ClassVar[str] = "years"


@dataclass(frozen=True)
class YearBlock:
    year: int
    line: tuple[Cell, ...]                    # the year's totals, as text and figure spans
    rows: tuple[tuple[Cell, ...], ...]        # one per level


@dataclass(frozen=True)
class Years:
    """The plan over the years (--years N), from the engine's Trajectory."""

    count: int
    title: str
    intro: str
    chart: YearsChart
    targets: Table
    header: tuple[str, ...]                   # the year-by-year table's columns
    blocks: tuple[YearBlock, ...]
    caption: str
    note: str
    budget: tuple[str, ...]                   # what budget would reach every target, in the engine's words
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Paper:
    title: str
    organisation: str
    date: str
    as_of: str
    summary: tuple[tuple[Cell, ...], ...]     # paragraphs of text and figure spans
    notes: tuple[str, ...]
    chart: Chart
    capacity: Table
    doses: Table
    doses_intro: str
    characteristics: Table
    effects: Table
    other_effects: tuple[str, ...]
    assumptions: Table
    assumptions_intro: str
    data: tuple[tuple[str, str], ...]
    warnings: tuple[str, ...]
    by: str | None = None
    groups: Table | None = None
    group_chart: Chart | None = None
    group_tables: tuple[Table, ...] = ()
    suppression: str | None = None
    years: Years | None = None                # --years N: the plan over the years
    generator: str = f"qidose {__version__}"
    policy: str = ""


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def plural(count: int, word: str) -> str:
    return f"{fmt(count)} {word}{'' if count == 1 else 's'}"


def percent(rate: float) -> str:
    return f"{rate:.1%}".replace(".0%", "%")
