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
    cells = page.tables["capacity-table"]["cells"]
    assert len(cells) >= 6 * 10 + 9
    for ref, text in cells.items():
        assert number(text) == pytest.approx(value_of(plan, ref), abs=1e-9), ref


def test_summary_figures_match_the_json_plan(example):
    _, page, plan = example
    assert {"totals.role_gap", "totals.training_hours", "totals.annual_upkeep_hours"} <= set(page.spans)
    for ref, text in page.spans.items():
        assert number(text) == pytest.approx(value_of(plan, ref)), ref
    gap = f"{plan['totals']['role_gap']:,} people"
    assert page.spans["totals.role_gap"] == gap          # thousands separators


def test_summary_sentence_reads_as_plain_english(example):
    text, _, plan = example
    summary = re.sub(r"<[^>]+>", "", text.split('id="summary"')[1].split("</section>")[0])
    turnover = f"{plan['organisation']['turnover']:.1%}".replace(".0%", "%")
    assert re.search(r"To reach the target, [\d,]+ people in post need QI training for their level, and quality coaches "
                     r"\([\d,]+ more\) and internal quality experts \([\d,]+ more\) must be trained: [\d,.]+ hours of "
                     r"training, then [\d,.]+ hours a year to keep pace with " + re.escape(turnover) + " staff turnover",
                     summary)


def test_dosing_table_lists_every_module_and_level(example):
    _, page, _ = example
    doses = page.tables["doses-table"]["text"]
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
    assert f"To reach the target, **{plan['totals']['role_gap']:,} people** in post need QI training" in text
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
    kinds = {lp["level"]: lp["kind"] for lp in plan["levels"]}
    counts = {"role": ("headcount", "already_trained", "gap"), "capacity": ("headcount", "already_trained")}
    shown = hidden = 0
    for table in page.tables.values():
        if table["group"] is None and table is not page.tables["capacity-table"]:
            continue
        for ref, cell in table["cells"].items():
            row, name = ref.split(".")
            if cell in ("<5", "[c]"):
                hidden += 1
            elif row in kinds and name in counts[kinds[row]]:
                shown += 1
                assert number(cell) >= 5, ref
    assert hidden and shown
    for ref, cell in page.tables["capacity-table"]["cells"].items():
        if ref.startswith("totals.") and cell and cell != "[c]":      # a total with a hidden member is withheld
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


# -- the plan over the years (--years N) --------------------------------------------------------

YEARS = ("--org", ROOT / "examples" / "org.yaml", "--years", "5")


def text_of(html_text: str) -> str:
    """The page's words, as a reader sees them (no markup, entities decoded)."""
    import html
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html_text.replace("</p>", " </p>"))))


@pytest.fixture(scope="module")
def years(tmp_path_factory):
    """One HTML and one Markdown paper with --years 5 for the module (charts are slow), and the JSON plan."""
    folder = tmp_path_factory.mktemp("years")
    runs = {name: invoke(["report", EXAMPLE, *AS_OF, *YEARS, "--date", "2026-11-05", "-o", folder / name])
            for name in ("paper.html", "paper.md")}
    for run in runs.values():
        assert run.code == 0 and run.stdout == "", run.stderr + run.crashed()
    plan = invoke(["plan", EXAMPLE, *AS_OF, *YEARS, "--format", "json"])
    assert plan.code == 0
    text = (folder / "paper.html").read_text(encoding="utf-8")
    return folder, runs, text, Page(text), json.loads(plan.stdout)


def trajectory_value(plan: dict, ref: str):
    """The JSON value a trajectory cell shows: trajectory.<year>.<level>.<figure>, trajectory.<year>.total.<figure>,
    trajectory.sequence.<level>.<figure>, trajectory.target_year.<level>, trajectory.totals.<figure>."""
    summary = plan["trajectory_summary"]
    _, a, b, *rest = ref.split(".")
    if a == "totals":
        return summary["totals"][b]
    if a == "target_year":
        return summary["target_year"][b]
    if a == "sequence":
        return next(s for s in summary["sequence"] if s["level"] == b)[rest[0]]
    year = int(a)
    if b == "total":
        return summary["years_totals"][year - 1][rest[0]]
    if year == 0:        # coverage now: the people already trained of the target
        level = next(lp for lp in plan["levels"] if lp["level"] == b)
        return level["already_trained"] / level["target_people"]
    return next(e for e in plan["trajectory"] if e["year"] == year and e["level"] == b)[rest[0]]


def check_cell(plan: dict, ref: str, text: str) -> None:
    if not ref.startswith("trajectory."):
        assert number(text) == pytest.approx(value_of(plan, ref)), ref
        return
    value = trajectory_value(plan, ref)
    if ref.startswith(("trajectory.target_year.", "trajectory.totals.years_to_target")):
        match = re.match(r"year (\d+)", text)
        assert (int(match.group(1)) if match else None) == value, (ref, text)
    elif text.endswith("%"):
        decimals = len(text.rstrip("%").partition(".")[2])
        assert float(text.rstrip("%")) == pytest.approx(value * 100, abs=0.5 / 10 ** decimals + 1e-9), (ref, text)
    else:
        assert number(text) == pytest.approx(value), (ref, text)


def test_years_paper_has_the_plan_over_the_years_and_no_warning(years):
    _, runs, text, page, _ = years
    assert "--years" not in runs["paper.html"].stderr             # the old "--years is ignored" warning is gone
    assert page.sections.index("trajectory") == page.sections.index("capacity") + 1
    assert "The plan over the next 5 years" in page.headings
    assert "chart-years" in page.svg_in and "chart-levels" in page.svg_in
    assert page.resources == []
    assert {"trajectory-targets", "trajectory-years"} <= set(page.tables)


def test_trajectory_tables_match_the_json_trajectory(years):
    _, _, _, page, plan = years
    checked = set()
    for table in ("trajectory-targets", "trajectory-years"):
        for ref, text in page.tables[table]["cells"].items():
            check_cell(plan, ref, text)
            checked.add(ref)
    for ref, text in page.spans.items():           # the summary and each year's line
        check_cell(plan, ref, text)
        checked.add(ref)
    entries = {f"trajectory.{e['year']}.{e['level']}.{name}" for e in plan["trajectory"]
               for name in ("upkeep_people", "trained_people", "hours", "coverage", "backlog")}
    assert len(plan["trajectory"]) == 5 * 6 and entries <= checked           # every year and level is in the table
    totals = {f"trajectory.{t['year']}.total.{name}" for t in plan["trajectory_summary"]["years_totals"]
              for name in ("hours", "budget", "facilitator_hours_used", "cost")}
    assert totals <= checked
    assert {f"trajectory.target_year.{lp['level']}" for lp in plan["levels"]} <= checked


def test_summary_says_when_every_level_reaches_its_target(years):
    _, _, text, page, plan = years
    summary = plan["trajectory_summary"]
    reached = summary["totals"]["years_to_target"]
    assert reached is not None and reached > 5              # the example's introduction takes longer than 5 years
    assert page.spans["trajectory.totals.years_to_target"] == f"year {reached}"
    words = text_of(text.split('id="summary"')[1].split("</section>")[0])
    assert f"every level reaches its target by year {reached}, after the 5 years planned" in words
    last = next(e for e in plan["trajectory"] if e["year"] == 5 and e["level"] == "all_staff")
    assert f"Last: All staff, at {last['coverage']:.0%} of its target at the end of year 5, held back by the pace" in words
    page_words = text_of(text)
    for statement in summary["statements"][len(summary["target_year"]):] + summary["notes"]:
        assert statement in page_words                      # the budget that would get there, in the engine's words


def test_years_chart_and_sources_of_the_sequence(years):
    _, _, text, page, plan = years
    figure = text.split('<figure id="chart-years"')[1].split("</figure>")[0]
    for lp in plan["levels"]:
        assert lp["label"] in figure                       # one line per level, in the legend
    assert re.search(r">Budget</text>.*?>30,000</text>", figure, re.S)      # the budget line is labelled
    assert "against the budget of 30,000 hours a year" in figure                 # and said in words
    appendix = "\n".join(page.tables["assumptions-table"]["text"])
    for key in ("trajectory.levels.all_staff.pace", "trajectory.facilitator_hours_per_expert",
                "trajectory.priority", "costs.hourly_cost.board"):
        assert key in appendix, key
    assert "no source given" not in appendix


def test_markdown_years_paper_has_its_trajectory_chart_beside_it(years):
    folder, _, _, _, plan = years
    text = (folder / "paper.md").read_text(encoding="utf-8")
    assert (folder / "paper-chart-years.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "](paper-chart-years.png)" in text and "## The plan over the next 5 years" in text
    years_totals = plan["trajectory_summary"]["years_totals"]
    for t in years_totals:
        assert f"Year {t['year']}: **{t['hours']:,g} learning hours** used of a budget of **30,000**" in text
    assert sorted(p.name for p in folder.iterdir()) == ["paper-chart-years.png", "paper-chart.png", "paper.html",
                                                        "paper.md"]


def test_suppressed_years_paper_withholds_the_small_levels(tmp_path):
    text = paper(tmp_path, SMALL, *AS_OF, "--years", "3", "--suppress-below", "5").read_text(encoding="utf-8")
    page = Page(text)
    plan = json.loads(invoke(["plan", SMALL, *AS_OF, "--years", "3", "--suppress-below", "5",
                              "--format", "json"]).stdout)
    hidden = {e["level"] for e in plan["trajectory"] if e.get("suppressed")}
    assert hidden
    for ref in page.tables["trajectory-years"]["cells"]:
        assert ref.split(".")[2] not in hidden, ref           # no figure of a withheld level is shown
    assert "[c]" in page.tables["trajectory-years"]["text"]
    assert "Levels with small numbers, and levels sharing resources with them, are not drawn." in text


def build_paper(*args: str, **options):
    """A Paper without charts or files (fast): the pipeline and report.build, as `report` calls them."""
    from qidose import report
    from qidose.pipeline import Request, build
    characteristics = {k: options.pop(k) for k in ("learning_hours",) if k in options}
    planset = build(Request(str(EXAMPLE), org=str(ROOT / "examples" / "org.yaml"),
                            characteristics=characteristics, as_of=__import__("datetime").date(2026, 10, 1),
                            **options))
    return planset, report.build(planset)


def summary_words(paper_) -> str:
    return " ".join("".join(c.text for c in p) for p in paper_.summary)


def test_summary_when_a_level_never_reaches_its_target():
    planset, paper_ = build_paper(years=5, learning_hours=5000)
    never = [lid for lid, f in planset.trajectory.outcomes.items() if f.value is None]
    assert never and planset.trajectory.totals["years_to_target"].value is None
    words = summary_words(paper_)
    assert "not every level reaches its target" in words and "never at these resources, held back by" in words
    assert "Even an unlimited learning budget would not get every level there within 5 years" in words
    rows = {row[0].text: row for row in paper_.years.targets.rows}
    for lid in never:
        label = planset.config.levels[lid].label
        assert rows[label][5].text == "never at these resources"


def test_summary_for_one_year_and_for_a_target_reached_in_time():
    _, one = build_paper(years=1)
    assert one.years.title == "The plan for the next year"
    assert "after the 1 year planned" in summary_words(one) and "1 years" not in summary_words(one)
    planset, twenty = build_paper(years=20)
    reached = planset.trajectory.totals["years_to_target"].value
    assert f"every level reaches its target by year {reached} of the 20 years planned." in summary_words(twenty)
    assert len(twenty.years.blocks) == 20


def test_no_years_no_trajectory_section(example):
    text, page, _ = example
    assert "trajectory" not in page.sections and "chart-years" not in text


# -- explain --years ------------------------------------------------------------------------------

def test_explain_years_explains_every_trajectory_figure_as_plan_json_has_it():
    explained = json.loads(invoke(["explain", EXAMPLE, *AS_OF, *YEARS[:2], "--years", "3", "--format", "json"]).stdout)
    plan = json.loads(invoke(["plan", EXAMPLE, *AS_OF, *YEARS[:2], "--years", "3", "--format", "json"]).stdout)
    traj = explained["trajectory"]
    assert len(traj["entries"]) == len(plan["trajectory"]) == 3 * 6
    checked = 0
    for entry, planned in zip(traj["entries"], plan["trajectory"]):
        assert (entry["year"], entry["level"]) == (planned["year"], planned["level"])
        for f in entry["figures"]:
            assert f["value"] == planned[f["figure"]] and f["formula"] and f["working"], (entry["level"], f)
            assert f["working"] == planned["basis"][f["figure"]]["working"]
            after = f["working"].rsplit("= ", 1)[-1]
            if "= " in f["working"] and re.fullmatch(r"[\d,.]+", after):
                assert float(after.replace(",", "")) == pytest.approx(f["value"]), f
                checked += 1
    assert checked >= 3 * 6 * 6
    summary = plan["trajectory_summary"]
    assert {f["figure"]: f["value"] for f in traj["target_year"]} == summary["target_year"]
    assert {f["figure"]: f["value"] for f in traj["totals"]} == summary["totals"]
    for i, t in enumerate(traj["years_totals"]):
        assert {f["figure"]: f["value"] for f in t["figures"]} == {k: v for k, v in summary["years_totals"][i].items()
                                                                 if k not in ("year", "basis")}
    keys = {k["key"] for s in traj["sequence"] for f in s["figures"] for k in f["keys"]}
    assert "trajectory.levels.all_staff.pace" in keys


def test_explain_years_text_and_level():
    text = invoke(["explain", SMALL, *AS_OF, "--years", "2", "--level", "board"]).stdout
    assert "Over the next 2 years (whole organisation)" in text
    assert "Year 1: Board members (board" in text and "Year 2: Board members (board" in text
    assert "All staff (all_staff" not in text and "Year 1: all levels" not in text
    assert "  upkeep_people = " in text and "from:    trajectory.levels.board.start_year (line " in text
    assert "Over the next" not in invoke(["explain", SMALL, *AS_OF]).stdout      # no --years, no trajectory


def test_a_paper_names_the_profile_but_never_its_folder(tmp_path):
    home = tmp_path / "zebedee.quuxley"
    home.mkdir()
    (home / "org.yaml").write_text("name: Test Trust\nturnover: 12%\n", encoding="utf-8")
    out = tmp_path / "paper.md"
    result = invoke(["report", SMALL, "--org", home / "org.yaml", "-o", out, "--as-of", "2026-10-01"])
    assert result.code == 0, result.stderr
    assert "org.yaml line 2" in out.read_text(encoding="utf-8")
    assert "zebedee" not in out.read_text(encoding="utf-8") + result.stdout + result.stderr


# -- the summary's words, the dose's words, the page's ids --------------------------------------

FIVE = (ROOT / "tests" / "test_cli.py").read_text(encoding="utf-8").split('FIVE = """')[1].split('"""')[0]


def test_summary_sentences_are_literally_true_of_five_people(tmp_path):
    """Five people in post, one a ward manager who is also a coach, one flagged QI lead: the summary
    said '6 people need QI training' and '3 people already have the training their level needs'."""
    staff = tmp_path / "staff.csv"
    staff.write_text(FIVE, encoding="utf-8")
    plan = json.loads(invoke(["plan", staff, "--turnover", "0.1", "--format", "json"]).stdout)
    words = text_of(paper(tmp_path, staff, "--turnover", "0.1").read_text(encoding="utf-8").split('id="summary"')[1]
                    .split("</section>")[0])
    assert plan["organisation"]["staff_in_post"] == 5 and plan["totals"]["gap"] == 6          # places, not people
    assert plan["totals"]["role_gap"] == 4 and plan["totals"]["role_already_trained"] == 1
    assert ("To reach the target, 4 people in post need QI training for their level, and quality coaches (1 more) "
            "and internal quality experts (1 more) must be trained: 300 hours of training") in words
    assert "1 person in post already has the training their level needs" in words
    assert "in post as quality coaches: 1; as internal quality experts: 1 (flagged" in words
    assert "Replacing trained people who leave takes 4 training places a year" in words
    assert "in 1 service," in words
    assert "6 people" not in words and "3 people" not in words


def test_the_dose_is_described_from_the_policys_includes(tmp_path):
    default = paper(tmp_path, SMALL, *AS_OF, name="a.md").read_text(encoding="utf-8")
    assert "levels below it" not in default
    assert ("plus the dose of the levels it includes (the doses of board members and senior leaders include the dose "
            "of all staff; the dose of middle managers and supervisors includes the dose of senior leaders") in default
    policy = (ROOT / "config" / "doses.yaml").read_text(encoding="utf-8")
    policy = policy.replace("dose: {includes: [senior_leaders], modules: [sponsoring_and_leading_improvement]}",
                            "dose: {includes: [all_staff], modules: [sponsoring_and_leading_improvement]}")
    config = tmp_path / "doses.yaml"
    config.write_text(policy, encoding="utf-8")
    changed = paper(tmp_path, SMALL, *AS_OF, "--config", config, name="b.html").read_text(encoding="utf-8")
    assert ("the doses of board members, senior leaders and middle managers and supervisors include the dose of all "
            "staff") in text_of(changed)


def test_every_id_on_the_page_is_unique(tmp_path):
    text = paper(tmp_path, SMALL, *AS_OF, "--by", "Directorate", "--years", "3").read_text(encoding="utf-8")
    ids = re.findall(r'\sid="([^"]+)"', text.split("<body>")[1])
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, sorted(duplicates)[:10]
    page = Page(text)
    assert {"capacity", "doses", "groups"} <= set(page.sections)
    assert {"capacity-table", "doses-table", "groups-table"} <= set(page.tables)


def test_the_by_group_table_names_each_groups_own_figures(tmp_path):
    page = Page(paper(tmp_path, SMALL, *AS_OF, "--by", "Directorate").read_text(encoding="utf-8"))
    plan = json.loads(invoke(["plan", SMALL, *AS_OF, "--by", "Directorate", "--format", "json"]).stdout)
    cells = page.tables["groups-table"]["cells"]
    checked = 0
    for ref, text in cells.items():
        if ref.startswith("groups."):
            _, i, row, name = ref.split(".")
            assert number(text) == pytest.approx(plan["groups"][int(i) - 1][row][name]), ref
            checked += 1
        else:
            assert number(text) == pytest.approx(value_of(plan, ref)), ref        # the whole organisation's row
    columns = len(page.tables["groups-table"]["text"]) // (len(plan["groups"]) + 2) - 1    # header, groups, whole
    assert checked == len(plan["groups"]) * columns and columns == 8


def test_a_paper_with_everything_withheld_says_so_in_words_and_charts(tmp_path):
    out = tmp_path / "paper.md"
    result = invoke(["report", ROOT / "examples" / "staff.csv", "-o", out, "--by", "Directorate", "--suppress-below", "10",
                     "--years", "3", "--org", ROOT / "examples" / "org.yaml", "--chart-format", "svg",
                     "--as-of", "2026-10-01"])
    assert result.code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "in the order set out below. Levels with small numbers, and what depends on them, are withheld" in text
    years = (tmp_path / "paper-chart-years.svg").read_text(encoding="utf-8")
    groups = (tmp_path / "paper-chart-by-directorate.svg").read_text(encoding="utf-8")
    assert "Withheld: levels with small" in years and "Withheld: levels with small" in groups
