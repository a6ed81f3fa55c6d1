"""The progress bar: only for large files on a terminal, drawn from how far the read is, wiped at the end."""

from __future__ import annotations

import io
import sys
import time

import pytest

from qidose import progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def quick(monkeypatch):
    monkeypatch.setattr(progress, "_DELAY", 0.0)
    monkeypatch.setattr(progress, "_TICK", 0.01)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("QIDOSE_PROGRESS", raising=False)
    monkeypatch.setenv("TERM", "xterm")


@pytest.fixture
def big_file(tmp_path, monkeypatch):
    path = tmp_path / "staff.csv"
    path.write_bytes(b"x" * 100_000)
    monkeypatch.setattr(progress, "MIN_BYTES", 50_000)
    return path


def drawn(stream: Terminal, until: str) -> str:
    for _ in range(200):
        if until in stream.getvalue():
            break
        time.sleep(0.01)
    return stream.getvalue()


def test_wanted_only_for_a_large_file_on_a_terminal(quick, big_file, monkeypatch, tmp_path):
    assert progress.wanted(str(big_file), 0, Terminal())
    assert not progress.wanted(str(big_file), 0, io.StringIO())          # piped: a batch job
    assert not progress.wanted(str(big_file), -1, Terminal())            # -q
    assert not progress.wanted("-", 0, Terminal())                       # stdin: no size to measure against
    small = tmp_path / "small.csv"
    small.write_bytes(b"x" * 10)
    assert not progress.wanted(str(small), 0, Terminal())
    for name, value in (("CI", "true"), ("TERM", "dumb"), ("QIDOSE_PROGRESS", "0")):
        with monkeypatch.context() as m:
            m.setenv(name, value)
            assert not progress.wanted(str(big_file), 0, Terminal())


def test_a_reported_fraction_is_drawn_and_the_line_wiped_at_the_end(quick, big_file):
    stream = Terminal()
    with progress.Reading(str(big_file), True, stream) as report:
        report(0.5)
        text = drawn(stream, "50%")
    assert "50%" in text and "#" * 15 + "." * 15 in text
    assert stream.getvalue().endswith("\r\x1b[2K")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the position is read from /proc")
def test_the_plain_path_bar_follows_the_file_handle_and_what_this_process_will_read(quick, big_file):
    stream = Terminal()
    with open(big_file, "rb") as handle, progress.Reading(str(big_file), True, stream) as report:
        handle.seek(25_000)
        assert "25%" in drawn(stream, "25%")
        report.expect(50_000)   # other processes read the second half: this one's end is 100%
        handle.seek(50_000)
        assert "100%" in drawn(stream, "100%")


def test_nothing_is_drawn_when_not_enabled(quick, big_file):
    stream = Terminal()
    with progress.Reading(str(big_file), False, stream) as report:
        report(0.5)
        time.sleep(0.05)
    assert stream.getvalue() == ""
