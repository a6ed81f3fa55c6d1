"""`qidose report`: the board paper, parsed as a reader's browser would, checked against `plan --format json`."""

from __future__ import annotations

import json
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import DATA, invoke

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "staff.csv"
SMALL = DATA / "staff_small.csv"
GOLDEN = Path(__file__).resolve().parent / "golden"
AS_OF = ("--as-of", "2026-10-01")
SECTIONS = ("summary", "chart", "capacity", "doses", "characteristics", "assumptions", "data")


class Page(HTMLParser):
    """What a test needs from the paper: sections, headings, figures by table, text, resources."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.sections, self.headings, self.tables, self.spans, self.resources = [], [], {}, {}, []
        self.title = self.organisation = self.date = ""
        self.svg_in = set()
        self._stack, self._table, self._cell, self._capture, self._text = [], None, None, None, []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self._stack.append((tag, a))
        if tag == "section":
            self.sections.append(a.get("id"))
        if tag == "table":
            self._table = self.tables.setdefault(a.get("id"), {"group": a.get("data-group"), "cells": {}, "text": []})
        if tag in ("td", "th") and self._table is not None:
            self._cell = (a.get("data-figure"), [])
        if tag == "span" and a.get("data-figure"):
            self._capture = (a["data-figure"], [])
        if tag in ("h1", "h2", "title") or a.get("id") in ("organisation-name", "date"):
            self._text = []
        if tag == "svg":
            self.svg_in.update(t[1].get("id") for t in self._stack if t[0] in ("figure", "section"))
        for name in ("src", "href", "xlink:href"):
            if a.get(name) and not a[name].startswith("#"):
                self.resources.append(a[name])
        if tag in ("script", "link", "iframe", "img", "object", "embed"):
            self.resources.append(tag)

    def handle_endtag(self, tag):
        tag_, a = self._stack.pop() if self._stack else (tag, {})
        text = "".join(self._text).strip()
        if tag == "h2":
            self.headings.append(text)
        elif tag == "title":
            self.title = text
        elif a.get("id") == "organisation-name":
            self.organisation = text
        elif a.get("id") == "date":
            self.date = text
        if tag in ("td", "th") and self._cell is not None:
            ref, parts = self._cell
            content = "".join(parts).strip()
            self._table["text"].append(content)
            if ref:
                self._table["cells"][ref] = content
            self._cell = None
        if tag == "span" and self._capture is not None:
            self.spans[self._capture[0]] = "".join(self._capture[1]).strip()
            self._capture = None
        if tag == "table":
            self._table = None

    def handle_data(self, data):
        self._text.append(data)
        if self._cell is not None:
            self._cell[1].append(data)
        if self._capture is not None:
            self._capture[1].append(data)


def number(text: str) -> float:
    match = re.match(r"-?[\d,]+(\.\d+)?", text)
    assert match, f"not a number: {text!r}"
    return float(match.group(0).replace(",", ""))


def value_of(plan: dict, ref: str):
    row, name = ref.split(".")
    if row in ("totals", "organisation"):
        return plan[row][name]
    return next(lp for lp in plan["levels"] if lp["level"] == row)[name]


def paper(tmp_path, *args, name="paper.html"):
    out = tmp_path / name
    result = invoke(["report", *args, "-o", out])
    assert result.code == 0, result.stderr + result.crashed()
    assert result.stdout == ""
    return out


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    out = paper(tmp_path_factory.mktemp("paper"), EXAMPLE, *AS_OF, "--date", "2026-11-05")
    plan = invoke(["plan", EXAMPLE, *AS_OF, "--format", "json"])
    assert plan.code == 0
    text = out.read_text(encoding="utf-8")
    return text, Page(text), json.loads(plan.stdout)


def test_example_paper_has_every_section_a_chart_and_a_title(example):
    text, page, plan = example
    assert page.sections[:len(SECTIONS)] == list(SECTIONS)
    assert {"Summary", "The capacity to plan for", "The dose for each level",
            "Appendix: the policy's numbers and their sources"} <= set(page.headings)
    assert "chart-levels" in page.svg_in
    assert page.organisation == "Your organisation" and page.date == "5 November 2026"
    assert page.title.startswith("Quality improvement training")
    assert "figures as at 1 October 2026" in text


def test_example_paper_is_self_contained_and_prints_on_a4(example):
    text, page, _ = example
    assert page.resources == [], page.resources                  # no script, image, link or URL to fetch
    assert "@page" in text and "size: A4" in text and "@media print" in text
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', "").split("<metadata>")[0]


def test_capacity_table_matches_the_json_plan(example):
    _, page, plan = example
    cells = page.tables["capacity"]["cells"]
    assert len(cells) >= 6 * 10 + 9
    for ref, text in cells.items():
        assert number(text) == pytest.approx(value_of(plan, ref), abs=1e-9), ref


def test_summary_figures_match_the_json_plan(example):
    _, page, plan = example
    assert {"totals.gap", "totals.training_hours", "totals.annual_upkeep_hours"} <= set(page.spans)
    for ref, text in page.spans.items():
        assert number(text) == pytest.approx(value_of(plan, ref)), ref
    gap = f"{plan['totals']['gap']:,} people"
    assert page.spans["totals.gap"] == gap          # thousands separators


def test_summary_sentence_reads_as_plain_english(example):
    text, _, plan = example
    summary = re.sub(r"<[^>]+>", "", text.split('id="summary"')[1].split("</section>")[0])
    turnover = f"{plan['organisation']['turnover']:.1%}".replace(".0%", "%")
    assert re.search(r"To reach the target, [\d,]+ people need QI training: [\d,.]+ hours of training, then "
                     r"[\d,.]+ hours a year to keep pace with " + re.escape(turnover) + " staff turnover", summary)


def test_dosing_table_lists_every_module_and_level(example):
    _, page, _ = example
    doses = page.tables["doses"]["text"]
    for label in ("Board members", "Quality coaches", "Internal quality experts", "Improvement coaching", "Dose hours"):
        assert label in doses


def test_characteristics_say_what_they_changed(example):
    text, page, plan = example
    effects = page.tables["effects"]["text"]
    assert "maturity = developing" in effects and "Quality coaches" in effects
    coaches = next(lp for lp in plan["levels"] if lp["level"] == "quality_coaches")
    assert any(coaches["basis"]["target_people"]["working"] in cell for cell in effects)


def test_appendix_cites_a_source_for_every_number_used(example):
    _, page, plan = example
    rows = page.tables["assumptions-table"]["text"]
    used = {k["key"] for lp in plan["levels"] for b in lp["basis"].values() for k in b["keys"]
            if k["source"] is not None}
    text = "\n".join(rows)
    for key in used:
        assert key in text, key
    assert "no source given" not in text
    assert "evidence 3.12" in text and "assumption:" in text


def test_organisation_name_is_shown_and_escaped(tmp_path):
    org = tmp_path / "org.yaml"
    org.write_text('name: "St Elsewhere <NHS> & Co"\n', encoding="utf-8")
    out = paper(tmp_path, SMALL, *AS_OF, "--org", org)
    text = out.read_text(encoding="utf-8")
    assert "St Elsewhere &lt;NHS&gt; &amp; Co" in text and "<NHS>" not in text
    assert Page(text).organisation == "St Elsewhere <NHS> & Co"


def test_hostile_labels_are_escaped_in_html_and_chart(tmp_path):
    policy = (ROOT / "config" / "doses.yaml").read_text(encoding="utf-8")
    policy = policy.replace("label: Board members", 'label: "Board <script>alert(1)</script> & co"')
    config = tmp_path / "doses.yaml"
    config.write_text(policy, encoding="utf-8")
    text = paper(tmp_path, SMALL, *AS_OF, "--config", config).read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert Page(text).resources == []


def test_hostile_group_names_are_escaped_in_html_and_markdown(tmp_path):
    staff = tmp_path / "staff.csv"
    hostile = '<img src=x onerror=alert(1)> | *Pharmacy* [x](http://e.vil)'
    staff.write_text(SMALL.read_text(encoding="utf-8-sig").replace(",Pharmacy,", f',"{hostile}",'), encoding="utf-8")
    html_text = paper(tmp_path, staff, *AS_OF, "--by", "Directorate").read_text(encoding="utf-8")
    page = Page(html_text)
    assert page.resources == [] and "<img" not in html_text
    assert hostile in {t["group"] for t in page.tables.values()}
    md = paper(tmp_path, staff, *AS_OF, "--by", "Directorate", name="p.md").read_text(encoding="utf-8")
    assert not re.search(r"(?<!\\)<img", md) and not re.search(r"(?<!\\)\]\(http", md)
    assert "\\<img src=x onerror=alert(1)\\> \\| \\*Pharmacy\\* \\[x\\](http://e.vil)" in md


def test_markdown_paper_has_the_same_content_and_a_chart_beside_it(tmp_path):
    out = paper(tmp_path, SMALL, *AS_OF, "--date", "2026-11-05", name="board paper.md")
    text = out.read_text(encoding="utf-8")
    chart = tmp_path / "board paper-chart.png"
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "](board%20paper-chart.png)" in text
    for heading in ("## Summary", "## Training needed, by level", "## The capacity to plan for",
                    "## The dose for each level", "## The organisation and what its characteristics changed",
                    "## Appendix: the policy's numbers and their sources", "## Appendix: about the data"):
        assert heading in text
    plan = json.loads(invoke(["plan", SMALL, *AS_OF, "--format", "json"]).stdout)
    assert f"To reach the target, **{plan['totals']['gap']:,} people** need QI training" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["board paper-chart.png", "board paper.md"]   # no temp files


def test_markdown_svg_chart_and_a_chart_per_group(tmp_path):
    paper(tmp_path, SMALL, *AS_OF, "--by", "Directorate", "--chart-format", "svg", name="p.md")
    svg = (tmp_path / "p-chart.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and (tmp_path / "p-chart-by-directorate.svg").exists()
    assert "## By Directorate" in (tmp_path / "p.md").read_text(encoding="utf-8")


def test_golden_markdown_paper(tmp_path):
    out = paper(tmp_path, SMALL, *AS_OF, "--date", "2026-11-05", "--by", "Directorate", "--suppress-below", "5",
                name="paper.md")
    golden = GOLDEN / "paper_small.md"
    text = re.sub(r", line \d+`", ", line N`", out.read_text(encoding="utf-8"))   # policy lines move as it is edited
    if os.environ.get("QIDOSE_REGEN_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), "rerun with QIDOSE_REGEN_GOLDEN=1 if the change is intended"


def test_by_group_paper_matches_each_groups_json(tmp_path):
    text = paper(tmp_path, SMALL, *AS_OF, "--by", "Directorate").read_text(encoding="utf-8")
    page = Page(text)
    plan = json.loads(invoke(["plan", SMALL, *AS_OF, "--by", "Directorate", "--format", "json"]).stdout)
    groups = {g["group"]: g for g in plan["groups"]}
    detail = [t for t in page.tables.values() if t["group"] is not None]
    assert len(detail) == len(groups) and "groups" in page.sections and "group-detail" in page.sections
    for table in detail:
        for ref, cell in table["cells"].items():
            assert number(cell) == pytest.approx(value_of(groups[table["group"]], ref)), (table["group"], ref)
    assert "chart-groups" in page.svg_in


def test_suppressed_paper_hides_small_counts_but_not_the_totals(tmp_path):
    text = paper(tmp_path, SMALL, *AS_OF, "--by", "Directorate", "--suppress-below", "5").read_text(encoding="utf-8")
    page = Page(text)
    plan = json.loads(invoke(["plan", SMALL, *AS_OF, "--by", "Directorate", "--format", "json"]).stdout)
    counts = ("headcount", "target_people", "already_trained", "gap", "annual_upkeep_people")
    shown = hidden = 0
    for table in page.tables.values():
        if table["group"] is None and table is not page.tables["capacity"]:
            continue
        for ref, cell in table["cells"].items():
            if cell in ("<5", "[c]"):
                hidden += 1
            elif ref.split(".")[1] in counts and not ref.startswith("totals."):
                shown += 1
                assert number(cell) >= 5, ref
    assert hidden and shown
    for ref, cell in page.tables["capacity"]["cells"].items():
        if ref.startswith("totals.") and cell:
            assert number(cell) == pytest.approx(value_of(plan, ref))
    assert "fewer than 5 people" in text


def test_report_needs_an_html_or_md_name(tmp_path):
    result = invoke(["report", SMALL, "-o", tmp_path / "paper.pdf"])
    assert result.code == 2 and ".html or .md" in result.stderr and not (tmp_path / "paper.pdf").exists()
    assert invoke(["report", SMALL]).code == 2        # -o is required


def test_missing_matplotlib_is_a_clear_usage_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = invoke(["report", SMALL, "-o", tmp_path / "paper.html"])
    assert result.code == 2 and "pip install matplotlib" in result.stderr and not result.crashed()
    assert not (tmp_path / "paper.html").exists()


def test_failed_report_leaves_an_earlier_paper_alone(tmp_path):
    out = tmp_path / "paper.html"
    out.write_text("earlier", encoding="utf-8")
    result = invoke(["report", tmp_path / "missing.csv", "-o", out])
    assert result.code != 0 and out.read_text(encoding="utf-8") == "earlier"


def test_no_personal_data_in_the_paper(tmp_path):
    from conftest import TINY, leaks
    for name in ("p.html", "p.md"):
        out = paper(tmp_path, TINY, *AS_OF, "--by", "Directorate", name=name)
        assert leaks(out.read_text(encoding="utf-8")) == [], name
