"""Shared helpers: run qidose in-process with exit code, stdout and stderr kept apart.

Click 8.2+ keeps stderr separate by default (`mix_stderr` is gone): `result.stdout` and
`result.stderr` are each one stream. An exception that escapes the command is kept in
`exception` (SystemExit, Click's normal way out, is not one).
"""

from __future__ import annotations

import csv
import json
import re
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from qidose.cli import cli

DATA = Path(__file__).resolve().parent / "data"
TINY = DATA / "staff_tiny.csv"


@dataclass
class Ran:
    code: int
    stdout: str
    stderr: str
    exception: BaseException | None    # an exception that escaped (never SystemExit)
    trace: str = ""

    def json(self):
        return json.loads(self.stdout)

    def crashed(self) -> str:
        """'' if the run ended cleanly, else what escaped, with its traceback."""
        return f"{type(self.exception).__name__}: {self.exception}\n{self.trace}" if self.exception else ""


def invoke(args, input: bytes | str | None = None, env: dict | None = None) -> Ran:
    result = CliRunner().invoke(cli, [str(a) for a in args], input=input, env=env, catch_exceptions=True)
    escaped = None if isinstance(result.exception, SystemExit) else result.exception
    trace = "".join(traceback.format_exception(*result.exc_info)) if escaped and result.exc_info else ""
    return Ran(result.exit_code, result.stdout, result.stderr, escaped, trace)


@pytest.fixture
def run():
    """run(args, input=None, env=None) -> Ran(code, stdout, stderr, exception)."""
    return invoke


def _personal() -> list[str]:
    """Names and employee numbers of staff_tiny.csv: none may ever appear in any output or message."""
    with TINY.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    names = {r["Full Name"] for r in rows} | {r["Full Name"].split(",")[0] for r in rows}
    return sorted(names | {r["Employee Number"] for r in rows}, key=len, reverse=True)


PERSONAL = _personal()
_PERSONAL_RE = re.compile("|".join(re.escape(p) for p in PERSONAL))


def leaks(text: str) -> list[str]:
    """The personal values of the fixtures found in text."""
    return sorted(set(_PERSONAL_RE.findall(text)))
