"""Run the CLI in-process and keep exit code, stdout and stderr apart."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from qidose.cli import cli

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
EXAMPLE = ROOT / "examples" / "staff.csv"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    def json(self):
        return json.loads(self.stdout)


def run(*args, env=None, input=None) -> Run:
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env, input=input)
    exception = result.exception if not isinstance(result.exception, SystemExit) else None
    return Run(result.exit_code, result.stdout, result.stderr, exception)
