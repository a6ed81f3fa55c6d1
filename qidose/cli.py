"""The command line: parse options, call the core, pick a renderer, map errors to exit codes.

Exit codes: 0 success; 1 the data was wrong (a bad row, an unreadable file, --strict with
warnings); 2 the call or the config was wrong; 130 interrupted.
Only Click is imported at start-up; the core and Rich load when a command runs.
"""

from __future__ import annotations

import os
import sys

import click

from qidose import __version__
from qidose.errors import InputError, QidoseError, UsageError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class Failure(click.ClickException):
    """A QidoseError on its way out: printed as `error: ...` with its own exit code."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(f"error: {self.message}", err=True)


class QidoseGroup(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except QidoseError as e:
            raise Failure(str(e), e.exit_code) from None
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            raise click.exceptions.Exit(130) from None


def _turnover(ctx, param, value):
    if value is None:
        return None
    from qidose.organisation import parse_turnover
    try:
        return parse_turnover(value, "--turnover")
    except UsageError as e:
        raise click.BadParameter(str(e).removeprefix("--turnover: "), ctx=ctx, param=param) from None


def _option(*names, envvar: str, **kwargs):
    return click.option(*names, envvar=f"QIDOSE_{envvar}", show_envvar=True, **kwargs)


def _setting(ctx, param, value):
    """--learning-hours and --services (text, so that a word is answered in our words, not click's):
    checked as a profile's values are (organisation.setting_from_text): a number within bounds, not nan or
    inf; services a whole number."""
    if value is None:
        return None
    from qidose.organisation import setting_from_text
    try:
        return setting_from_text(param.name, value, "--" + param.name.replace("_", "-"))
    except UsageError as e:
        raise click.BadParameter(str(e).split(": ", 1)[1]) from None


def plan_options(f):
    """The options every command that reads a staff list takes, defined once."""
    options = [
        # readable=False: an unreadable file is bad data (exit 1, qidose's own message), not a bad call
        click.argument("staff", type=click.Path(dir_okay=True, allow_dash=True, readable=False)),
        _option("--config", "config_path", envvar="CONFIG", type=click.Path(dir_okay=False),
                help="Dosing policy YAML (default: the one shipped with qidose)."),
        _option("--org", envvar="ORG", type=click.Path(dir_okay=False),
                help="Organisation profile YAML: name, turnover, maturity, leadership_commitment, learning_hours, services."),
        _option("--turnover", envvar="TURNOVER", callback=_turnover, metavar="RATE",
                help="Yearly leaver rate, as 0.12 or 12%. Default: estimated from start dates, else the config's."),
        _option("--maturity", envvar="MATURITY", metavar="WORD",
                help="Quality-journey maturity, a word from the config (default: starting, developing, established, embedded)."),
        _option("--leadership-commitment", envvar="LEADERSHIP_COMMITMENT", metavar="WORD",
                help="Senior leaders' commitment: low, medium or high (words from the config)."),
        _option("--learning-hours", envvar="LEARNING_HOURS", metavar="HOURS",
                callback=_setting, help="Training hours the organisation can release each year."),
        _option("--services", envvar="SERVICES", metavar="N", callback=_setting,
                help="Number of services (0 to 1,000,000), instead of counting the service column."),
        _option("--encoding", envvar="ENCODING", default="utf-8-sig", show_default=True,
                help="Text encoding of a CSV staff list (cp1252 for Excel's Windows CSV)."),
        _option("--delimiter", envvar="DELIMITER", metavar="CHAR",
                help="Column separator of a CSV staff list (default: comma; tab is detected)."),
        _option("--skip-lines", envvar="SKIP_LINES", type=click.IntRange(min=0), metavar="N",
                help="Rows above the header (default: the header row is found)."),
        _option("--sheet", envvar="SHEET", help="Sheet of an .xlsx staff list (default: the first)."),
        _option("--by", envvar="BY", metavar="COLUMN",
                help="Also plan each value of this column separately (e.g. Directorate)."),
        _option("--as-of", envvar="AS_OF", callback=_as_of, metavar="YYYY-MM-DD",
                help="Date that start dates are measured back from (default: today)."),
        _option("--years", envvar="YEARS", type=click.IntRange(min=1), metavar="N",
                help="Also plan year by year for N years (up to 50): people trained, coverage, hours, upkeep, "
                     "backlog, and when each level reaches its target."),
        _option("--trained", envvar="TRAINED", type=click.Path(dir_okay=False, readable=False), metavar="FILE",
                help="Training-records file (CSV or xlsx: employee number and course) adding QI training already done."),
        _option("--strict", envvar="STRICT", is_flag=True, help="Treat warnings about the staff list as errors (exit 1)."),
        _option("--engine", envvar="ENGINE", type=click.Choice(("auto", "python", "duckdb")), default="auto",
                show_default=True,
                help="How to read a CSV staff list: python; duckdb (pip install 'qidose[fast]'), the same plan "
                     "faster for national files; auto: duckdb for files over 50 MB when it is installed."),
        _option("--jobs", envvar="JOBS", type=click.IntRange(1, 4), metavar="N",
                help="Processes the python engine reads a large CSV staff list with, each its own part of the "
                     "file (default: one per 3 MB, up to the CPUs and 4; Linux only). The plan is the same."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def output_options(formats: tuple[str, ...], auto_help: str = "a table on a terminal, JSON when piped"):
    def decorate(f):
        f = _option("-o", "--output", envvar="OUTPUT", type=click.Path(dir_okay=False),
                    help="Write to this file (atomically) instead of stdout.")(f)
        f = _option("--format", "fmt", envvar="FORMAT", type=click.Choice(("auto",) + formats), default="auto",
                    show_default=True,
                    help=f"auto: {auto_help}, or from the -o file's extension.")(f)
        return f
    return decorate


suppress_option = _option(
    "--suppress-below", envvar="SUPPRESS_BELOW", type=click.IntRange(min=1), metavar="N",
    help="For publishing: show counts of people under N as <N, and withhold as [c] the cells that would "
         "give them away, including every total with a hidden member (and the years to close the gap); "
         "every figure shown is true (README: Publishing).")


@click.group(cls=QidoseGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="qidose", message="%(prog)s %(version)s")
@click.option("-v", "--verbose", count=True, help="Say more on stderr (-vv shows a traceback for a bug).")
@click.option("-q", "--quiet", is_flag=True, help="Print no warnings on stderr, only errors.")
@click.pass_context
def cli(ctx, verbose, quiet):
    """qidose: how much quality-improvement training each level of an NHS organisation needs.

    Reads a staff list (an ESR export, CSV or xlsx), puts each person in an organisational
    level and applies the dosing policy in config/doses.yaml. Every figure can be traced with
    `qidose explain`. Shell completion: eval "$(_QIDOSE_COMPLETE=bash_source qidose)".
    """
    from qidose.output import Log
    ctx.obj = Log(-1 if quiet else verbose)


def _request(staff, opts):
    from qidose.pipeline import Request
    from qidose.staff_file import ReadOptions
    keys = ("turnover", "maturity", "leadership_commitment", "learning_hours", "services")
    if staff == "-" and opts.get("trained") == "-":
        raise click.UsageError("the staff list and --trained cannot both come from standard input (-); "
                               "give one of them as a file")
    return Request(
        staff=staff, config=opts["config_path"], org=opts["org"],
        characteristics={k: opts[k] for k in keys if opts.get(k) is not None},
        read=ReadOptions(encoding=opts["encoding"], delimiter=_delimiter(opts["delimiter"]),
                         skip_lines=opts["skip_lines"], sheet=opts["sheet"]),
        by=opts["by"], as_of=opts["as_of"],
        years=opts.get("years"), trained=opts.get("trained"), engine=opts.get("engine") or "auto",
        jobs=opts.get("jobs"),
    )


def _delimiter(text):
    if text is None:
        return None
    text = {"\\t": "\t", "tab": "\t", "TAB": "\t"}.get(text, text)
    if len(text) != 1:
        raise click.BadParameter(f"{text!r} is not one character (use ';', ',', '|' or '\\t')", param_hint="--delimiter")
    if text in ('"', "\r", "\n"):
        raise click.BadParameter(f"{text!r} quotes cells or ends lines, so it cannot separate columns "
                                 f"(use ';', ',', '|' or '\\t')", param_hint="--delimiter")
    return text


def _build(staff, opts, log):
    from qidose import progress
    from qidose.pipeline import build
    with progress.Reading(staff, progress.wanted(staff, log.verbosity)) as report:
        planset = build(_request(staff, opts), progress=report)
    return _inputs_checked(planset, opts, log)


def _inputs_checked(planset, opts, log):
    """Say the notes (-v) and warnings about the inputs; with --strict, warnings are an error."""
    for note in planset.diagnostics.notes + (planset.records.diagnostics.notes if planset.records else []):
        log.info(note)
    lines = planset.warning_lines()
    for line in lines:
        log.warn(line)
    if opts["strict"] and lines:
        kinds = f"{len(lines)} kind{'s' if len(lines) > 1 else ''} of warning"
        if log.verbosity < 0:   # -q hid them: the error says them
            raise InputError("\n".join([f"{planset.source['file']}: {kinds} and --strict: no output written"] + lines))
        raise InputError(f"{planset.source['file']}: {kinds} above and --strict: no output written")
    return planset


def _publishable(planset, suppress_below) -> None:
    """--suppress-below N keeps the whole organisation's staff in post shown (hiding it would hide
    everything): an organisation of fewer than N people cannot be published under it."""
    people = planset.source["people_in_post"]
    if suppress_below is not None and people < suppress_below:
        raise UsageError(f"--suppress-below {suppress_below}: the staff list has fewer than {suppress_below} people "
                         f"in post, and the whole organisation's count is always shown; "
                         f"publish a larger organisation's plan, or leave out --suppress-below for internal use")


def _format(fmt, output, default="json", extensions=None, terminal="table"):
    """The format to write: --format when given; else the one the -o file's extension names among
    `extensions` (default: render.EXTENSIONS; no extension: `default`); else `terminal` on a terminal."""
    if fmt != "auto":
        return fmt
    if output:
        if extensions is None:
            from qidose.render import EXTENSIONS as extensions
        suffix = os.path.splitext(output)[1].lower()
        if not any(c.isalpha() for c in suffix):   # plan_26.11.2025 has no extension, only a date
            suffix = ""
        if suffix and suffix not in extensions:   # plan.xlsx would hold JSON that Excel cannot open
            command = click.get_current_context().info_name
            raise UsageError(f"-o {output}: qidose {command} does not write {suffix} files; name it "
                             f"{' or '.join(sorted(extensions))}, or give --format")
        return extensions.get(suffix, default)
    return terminal if sys.stdout.isatty() else default


def _as_of(ctx, param, text):
    """--as-of: a date (YYYY-MM-DD) from 1900 on (start dates are measured back a year from it)."""
    if text is None:
        return None
    import datetime as dt
    t = text.strip()
    try:
        if not (len(t) == 10 and t[4] == t[7] == "-" and (t[:4] + t[5:7] + t[8:]).isascii()
                and (t[:4] + t[5:7] + t[8:]).isdigit()):
            raise ValueError("write it YYYY-MM-DD, as 2026-03-31")
        day = dt.date.fromisoformat(t)
    except ValueError as e:
        raise click.BadParameter(f"{text!r} is not a date: {e}", ctx=ctx, param=param) from None
    if day.year < 1900:
        raise click.BadParameter(f"{day.isoformat()} is before 1900; give the date the staff list was taken",
                                 ctx=ctx, param=param)
    return day


def _inputs(staff, opts, *more) -> tuple[str, ...]:
    """Every file a command reads ("-": standard input): its -o must not write over any of them."""
    return tuple(p for p in (staff, opts["config_path"], opts["org"], opts.get("trained"), *more) if p)


def _emit(text: str, output: str | None, inputs: tuple[str, ...]) -> None:
    if output:
        from qidose.output import write_atomic
        write_atomic(output, text, inputs)
        return
    try:
        click.echo(text, nl=False)
        sys.stdout.flush()
    except BrokenPipeError:
        # `qidose plan ... | head -1`: the reader has gone. Not an error; say nothing.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise click.exceptions.Exit(0) from None
    except OSError as e:   # a full disk behind `> file`
        from qidose.errors import OutputError
        raise OutputError(f"cannot write the output to stdout ({e.strerror or e})") from None


@cli.command(context_settings=CONTEXT)
@plan_options
@output_options(("table", "json", "csv", "markdown"))
@suppress_option
@click.pass_obj
def plan(log, staff, fmt, output, suppress_below, **opts):
    """Plan the QI training each level needs, from the staff list STAFF (CSV, xlsx, or - for stdin)."""
    fmt = _format(fmt, output)   # a bad -o is said before the staff list is read (a national file takes seconds)
    planset = _build(staff, opts, log)
    _publishable(planset, suppress_below)
    from qidose.render import render
    options = {"color": sys.stdout.isatty() and not os.environ.get("NO_COLOR") and not output} if fmt == "table" else {}
    options["suppress_below"] = suppress_below
    _emit(render(fmt, planset, **options), output, _inputs(staff, opts))


@cli.command(context_settings=CONTEXT)
@_option("--config", "config_path", envvar="CONFIG", type=click.Path(dir_okay=False),
         help="Dosing policy YAML (default: the one shipped with qidose).")
@output_options(("table", "json", "csv", "markdown"))
def doses(config_path, fmt, output):
    """Show the dosing matrix: which modules each level's dose has, with hours and delivery."""
    from qidose import config as config_mod
    from qidose.render import doses as doses_render
    config = config_mod.load(config_path)
    fmt = _format(fmt, output, default="csv")
    color = fmt == "table" and sys.stdout.isatty() and not os.environ.get("NO_COLOR") and not output
    _emit(doses_render.render(config, fmt, color=color), output, (config_path,) if config_path else ())


@cli.command("check-config", context_settings=CONTEXT)
@click.argument("path", required=False, envvar="QIDOSE_CONFIG", type=click.Path(dir_okay=False))
@click.pass_obj
def check_config(log, path):
    """Check the dosing policy YAML at PATH; exit 0 if valid, 2 if not.

    PATH defaults to the file QIDOSE_CONFIG names, as plan's --config does, else the shipped policy.
    The first line of the answer names the file checked.
    """
    from qidose import config as config_mod
    config = config_mod.load(path)
    unsourced = config_mod.unsourced_numbers(config)
    for message in config_mod.unsourced_warnings(config):
        log.warn(message)
    click.echo(f"{config.path}: valid: {len(config.levels)} levels, {len(config.modules)} modules, "
               f"{len(config.sources)} sourced values, {len(unsourced)} without a source")


@cli.command(context_settings=CONTEXT)
@plan_options
@_option("-o", "--output", envvar="REPORT", required=True, type=click.Path(dir_okay=False),
         help="The paper to write: .html (one self-contained file) or .md (with the chart as an image beside it).")
@suppress_option
@_option("--date", "paper_date", envvar="DATE", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD",
         help="Date printed on the paper, e.g. the board meeting's (default: today).")
@_option("--chart-format", envvar="CHART_FORMAT", type=click.Choice(("png", "svg")), default="png", show_default=True,
         help="Markdown paper only: the chart file's format.")
@click.pass_obj
def report(log, staff, output, suppress_below, paper_date, chart_format, **opts):
    """Write a board paper from the staff list STAFF: summary, tables, chart and sources (-o paper.html or paper.md)."""
    kind = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}.get(os.path.splitext(output)[1].lower())
    if kind is None:
        raise UsageError(f"-o {output}: a paper is written as .html or .md; give a file name ending in one of them")
    from qidose import charts
    charts.require()
    planset = _build(staff, opts, log)
    _publishable(planset, suppress_below)
    from qidose import report as report_mod
    from qidose.output import write_atomic
    paper = report_mod.build(planset, paper_date.date() if paper_date else None, suppress_below)
    inputs = _inputs(staff, opts)
    if kind == "html":
        from qidose.render import html
        write_atomic(output, html.render(paper), inputs)
    else:
        from qidose.output import check_target
        from qidose.render import paper_md
        check_target(output, inputs)   # before its chart files are written beside it
        images = {}
        for path, data, chart_id in paper_md.chart_files(paper, output, chart_format):
            write_atomic(path, data, inputs)
            images[chart_id] = os.path.basename(path)
            log.info(f"wrote {path}")
        write_atomic(output, paper_md.render(paper, images), inputs)
    log.info(f"wrote {output}")


@cli.command(context_settings=CONTEXT)
@plan_options
@_option("--level", "level_id", envvar="LEVEL", metavar="ID",
         help="Only this level: board, senior_leaders, middle_managers, all_staff, quality_coaches, internal_experts.")
@output_options(("text", "json"), auto_help="text")
@click.pass_obj
def explain(log, staff, level_id, fmt, output, **opts):
    """Show how every figure of the plan for STAFF was worked out: formula, numbers, config keys and sources."""
    from qidose import explain as explain_mod
    if level_id is not None:
        explain_mod.check_level(level_id)
    fmt = _format(fmt, output, default="text", extensions={".json": "json", ".txt": "text"}, terminal="text")
    planset = _build(staff, opts, log)
    data = explain_mod.explain(planset, level_id)
    text = explain_mod.render_json(data) if fmt == "json" else explain_mod.render_text(data)
    _emit(text, output, _inputs(staff, opts))


@cli.command(context_settings=CONTEXT)
@plan_options
@_option("--scenario", "scenario_files", envvar="SCENARIO", multiple=True, type=click.Path(dir_okay=False),
         metavar="FILE", help="A scenario YAML: profile keys (turnover, learning_hours, maturity, hourly_cost, ...) "
                             "and an optional `scenario:` name. Repeat for more scenarios.")
@_option("--set", "set_values", envvar="SET", multiple=True, metavar="KEY=VALUE[,KEY=VALUE]",
         help="A scenario as the base with these values, e.g. --set turnover=0.12. Repeat for more scenarios.")
@output_options(("table", "json", "csv", "markdown"))
@click.pass_obj
def compare(log, staff, scenario_files, set_values, fmt, output, **opts):
    """Compare scenarios for STAFF side by side: people, hours, years to target, upkeep and cost.

    The first column is the base (what `plan` would use); each --scenario file and each --set
    follows, with its differences from the base highlighted.
    """
    from qidose import scenarios as scenarios_mod
    from qidose.render import compare as compare_render
    fmt = _format(fmt, output)   # before the staff list is read
    scenarios = [scenarios_mod.load(path) for path in scenario_files] + [scenarios_mod.parse_set(text)
                                                                         for text in set_values]
    comparison = scenarios_mod.compare(_request(staff, opts), scenarios)
    _inputs_checked(comparison.columns[0].planset, opts, log)
    color = fmt == "table" and sys.stdout.isatty() and not os.environ.get("NO_COLOR") and not output
    inputs = _inputs(staff, opts, *scenario_files)
    _emit(compare_render.render(comparison, fmt, color=color), output, inputs)


def main() -> None:
    """The console script: like `cli()`, but quiet on a closed pipe and on Ctrl-C, and quick to leave."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:   # started with it closed (`2>&-`): as if sent to /dev/null
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))
    try:
        cli.main(prog_name="qidose")
    except SystemExit as e:
        _leave(e.code)
    except BrokenPipeError:
        # `qidose plan ... | head -1`: stdout closed early. Not an error; say nothing.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except OSError as e:   # as `qidose --version > /dev/full`: click's own output failed (a full disk)
        sys.stderr.write(f"error: {e.filename + ': ' if e.filename else ''}{e.strerror or e}\n")
        _leave(1)


def _leave(code) -> None:
    """End the process once its output is flushed, without tearing the interpreter down: that frees
    only what the system frees anyway, and took 11-19 ms of every command (benchmarks/README.md).
    Every file qidose writes is closed (and renamed into place) before the command returns."""
    if code is not None and not isinstance(code, int):
        sys.exit(code)   # a message for stderr: the usual way out prints it
    try:
        sys.stdout.flush()
    except BrokenPipeError:   # the reader has gone: nothing more to say to it
        pass
    except OSError as e:   # what is left unwritten is lost: say so, unless the command already failed
        if not code:
            code = 1
            sys.stderr.write(f"error: cannot write the output to stdout ({e.strerror or e})\n")
    try:
        sys.stderr.flush()
    except OSError:
        pass
    os._exit(code or 0)
