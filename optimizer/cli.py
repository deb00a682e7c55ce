"""Command line: yunnan-plan COMMAND (the same as python -m optimizer COMMAND).

Every command that solves goes through ``optimizer.pipeline.run_scenario``; every command that writes to
``--out`` writes through ``optimizer.outputs.writer.OutputSet`` (one run per folder, all or nothing, with
manifest.json). Exit statuses: 0 success, 1 findings, 2 bad input, 3 infeasible, 4 solver failure,
5 output could not be written (docs/errors.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
import sys
from pathlib import Path

from optimizer.errors import (
    EXIT_BAD_INPUT,
    EXIT_FINDINGS,
    EXIT_INFEASIBLE,
    EXIT_OK,
    EXIT_OUTPUT_FAILED,
    EXIT_SOLVER_FAILED,
    InputError,
    Problem,
)
from optimizer.messages import CATALOGUE, LANGUAGES, language, msg, scenario_title
from optimizer.messages.numbers import padded, share, yuan
from optimizer.outputs.writer import OutputError, OutputSet

APPORTIONMENT_METHODS = ("hamilton", "webster", "dhondt", "huntington_hill")


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Plain-text help: descriptions as written, every option's default shown in the chosen language."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if default not in (None, argparse.SUPPRESS, False, []) and "%(default)" not in text \
                and action.option_strings:
            shown = str(default).replace("%", "%%")
            note = msg("cli.default", default=shown)
            text += f"（{note}）" if _is_zh() else f" ({note})"
        return text


    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, msg("cli.usage") if prefix is None else prefix)


ARGPARSE_PHRASES = (  # argparse's own English, as the catalogue says it
    (r"the following arguments are required: (.*)", "cli.err.required"),
    (r"argument (\S+): invalid choice: '(.*)' \(choose from (.*)\)", "cli.err.choice"),
    (r"unrecognized arguments: (.*)", "cli.err.unrecognized"),
    (r"argument (\S+): expected one argument", "cli.err.one_argument"),
    (r"argument (\S+): invalid int value: '(.*)'", "cli.err.not_int"),
    (r"argument (\S+): invalid float value: '(.*)'", "cli.err.not_number"),
    (r"argument \S+: (--\S+ .*)", "cli.err.flag"),
    (r"argument (\S+): (.*)", "cli.err.argument"),
)


class Parser(argparse.ArgumentParser):
    """argparse with its headings, help switch and errors in the message catalogue's language."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = msg("cli.positionals")
        self._optionals.title = msg("cli.options")
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=msg("cli.help"))

    def error(self, message: str):
        import re

        for pattern, key in ARGPARSE_PHRASES:
            found = re.fullmatch(pattern, message)
            if found:
                message = msg(key, **dict(zip(("a", "b", "c"), found.groups(), strict=False)))
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {msg('error')}: {message}\n")


def _is_zh() -> bool:
    from optimizer.messages import current_language

    return current_language() == "zh"


def _parser(sub, name: str, epilog_key: str | None = None) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=msg(f"cli.{name}"), description=msg(f"cli.{name}"),
                          epilog=msg(epilog_key) if epilog_key else None)


def _scenario_args(p: argparse.ArgumentParser, out_default: str) -> None:
    """The arguments of every command that solves a scenario."""
    p.add_argument("scenario", nargs="?", type=Path, default=None, help=msg("cli.scenario"))
    p.add_argument("--data", type=Path, default=None, help=msg("cli.data"))
    p.add_argument("--out", type=Path, default=Path(out_default), help=msg("cli.out"))
    p.add_argument("--solver", choices=("highs", "cbc"), default=None, help=msg("cli.solver") + "（highs | cbc）")
    p.add_argument("--time-limit", type=_positive_float("--time-limit"), default=None, help=msg("cli.time_limit"))
    p.add_argument("--cert-share", type=_share("--cert-share"), default=None, help=msg("cli.cert_share"))


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="yunnan-plan", description=msg("cli.description"), epilog=msg("cli.exit_statuses"))
    parser.add_argument("--lang", choices=LANGUAGES, default=None, help=msg("cli.lang"))
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", title=msg("cli.commands"))

    check = _parser(sub, "check", "cli.check.epilog")
    check.add_argument("--data", type=Path, default=None, help=msg("cli.data"))
    check.add_argument("--format", choices=("text", "json"), default="text", help=msg("cli.format"))

    _scenario_args(_parser(sub, "solve", "cli.solve.epilog"), "out")

    ver = _parser(sub, "verify", "cli.verify.epilog")
    ver.add_argument("folder", type=Path, help=msg("cli.verify.out"))
    ver.add_argument("scenario", nargs="?", type=Path, default=None, help=msg("cli.verify.scenario"))
    ver.add_argument("--data", type=Path, default=None, help=msg("cli.data"))
    ver.add_argument("--format", choices=("text", "json"), default="text", help=msg("cli.format"))

    export = _parser(sub, "export", "cli.export.epilog")
    _scenario_args(export, "export")
    export.add_argument("--as-of", type=_date("--as-of"), default=None, help=msg("cli.as_of"))
    export.add_argument("--method", choices=APPORTIONMENT_METHODS, default="hamilton", help=msg("cli.method"))
    export.add_argument("--weights", type=Path, default=None, help=msg("cli.weights"))

    short = _parser(sub, "shortlist", "cli.sl.epilog")
    _scenario_args(short, "shortlists")
    short.add_argument("--lots", type=Path, default=None,
                       help=msg("cli.sl.lots"))
    short.add_argument("--method", choices=("consultation", "negotiation"), default="consultation",
                       help=msg("cli.sl.method"))
    short.add_argument("--area", choices=("prefecture", "county"), default="prefecture", help=msg("cli.sl.area"))
    short.add_argument("--thin-lots", choices=("province", "area"), default="province",
                       help=msg("cli.sl.thin"))
    short.add_argument("--price-weight", type=float, default=0.30, help=msg("cli.sl.price_weight"))
    short.add_argument("--weight", action="append", default=[], metavar="NAME=POINTS",
                       help=msg("cli.sl.weight"))
    short.add_argument("--min-suppliers", type=int, default=3, help=msg("cli.sl.min_suppliers"))
    short.add_argument("--lot-date", type=_date("--lot-date"), default=None,
                       help=msg("cli.sl.lot_date"))
    short.add_argument("--no-awards", action="store_true", help=msg("cli.sl.no_awards"))

    comp = _parser(sub, "compare", "cli.compare.epilog")
    comp.add_argument("a", type=Path, help=msg("cli.scenario"))
    comp.add_argument("b", type=Path, help=msg("cli.scenario"))
    comp.add_argument("--data", type=Path, default=None, help=msg("cli.data"))
    comp.add_argument("--format", choices=("text", "json"), default="text", help=msg("cli.format"))
    comp.add_argument("--out", type=Path, default=None, help=msg("cli.compare.out"))
    comp.add_argument("--top", type=int, default=10, help=msg("cli.top"))

    sw = _parser(sub, "sweep", "cli.sweep.epilog")
    sw.add_argument("scenario", nargs="?", type=Path, default=None, help=msg("cli.scenario"))
    sw.add_argument("--param", action="append", required=True, metavar="NAME=START:STOP:STEP", help=msg("cli.param"))
    sw.add_argument("--data", type=Path, default=None, help=msg("cli.data"))
    sw.add_argument("--out", type=Path, default=Path("sweep"), help=msg("cli.out"))
    sw.add_argument("--workers", type=int, default=2, help=msg("cli.workers"))
    sw.add_argument("--cache", type=Path, default=None, help=msg("cli.cache"))
    sw.add_argument("--no-cache", action="store_true", help=msg("cli.no_cache"))
    sw.add_argument("--executor", choices=("processes", "dask"), default="processes", help=msg("sweep.executor"))
    sw.add_argument("--scheduler", default=None, metavar="ADDRESS", help=msg("sweep.scheduler"))

    templates = _parser(sub, "templates", "cli.templates.epilog")
    templates.add_argument("--out", type=Path, required=True, help=msg("cli.out"))

    ev = sub.add_parser("evaluate", help=msg("proc.cli.evaluate_help"), description=msg("proc.cli.evaluate_help"),
                        epilog=msg("cli.ev.epilog"))
    ev.add_argument("folder", type=Path, help=msg("cli.ev.folder"))
    ev.add_argument("--quotes", type=Path, required=True, help=msg("cli.ev.quotes"))
    ev.add_argument("--scores", type=Path, default=None,
                    help=msg("cli.ev.scores"))
    ev.add_argument("--out", type=Path, required=True, help=msg("cli.out"))
    intake = sub.add_parser("intake", help=msg("intake.cli_help"), description=msg("intake.cli_help"),
                            formatter_class=HelpFormatter)
    intake.add_argument("folder", type=Path, help=msg("intake.cli_folder"))
    intake.add_argument("--plan", type=Path, default=None, help=msg("intake.cli_plan"))
    intake.add_argument("--data", type=Path, default=None, help=msg("cli.data"))
    intake.add_argument("--format", choices=("text", "json"), default="text", help=msg("cli.format"))
    intake.add_argument("--out", type=Path, default=Path("intake") / "consolidated.xlsx", help=msg("intake.cli_out"))
    export.add_argument("--pdf", action="store_true", help=msg("wb.cli_pdf"))
    _add_tracking_commands(sub)  # issue 18: progress, replan, runs

    explain = sub.add_parser("explain", help=msg("explain.cli.help"), description=msg("explain.cli.help"),
                             formatter_class=HelpFormatter)
    explain.add_argument("scenario", nargs="?", type=Path, default=None, help=msg("cli.scenario"))
    explain.add_argument("--county", required=True, help=msg("explain.cli.county"))
    explain.add_argument("--data", type=Path, default=None, help=msg("cli.data"))
    # --lang after the command too (main() reads it from argv before parsing; SUPPRESS keeps the global value)
    explain.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=msg("cli.lang"))
    _add_assumptions_command(sub)  # issue 20: assumptions, sweep --samples
    return parser


def console() -> int:
    """The ``yunnan-plan`` executable: `yunnan-plan … | head` ends quietly. (Not done in ``main``, which tests and
    other programs call in their own process.)"""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    return main()


def _language_from(argv: list[str]) -> str | None:
    """``--lang`` is read before the parser is built, so that the help itself is in that language."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _language_from(argv)
    with language(lang if lang in LANGUAGES else None):
        return _main(argv)


def _main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    runner = globals()[f"run_{args.command.replace('-', '_')}"]
    if args.command in RECORDED_COMMANDS:  # issue 19: the store's SQLAlchemy import overlaps the LP solve
        from optimizer.model.highs_fast import while_next_solve

        while_next_solve(_preload_store)
    try:
        return _recorded(args, runner(args))  # issue 18: the plan store keeps solve / export / shortlist runs
    except OutputError as exc:
        where = f"（{exc.path}）" if _is_zh() else f" ({exc.path})"
        print(f"{msg('error')}: {msg('cannot_write', where=where, reason=exc.reason)}", file=sys.stderr)
        return EXIT_OUTPUT_FAILED
    except InputError as exc:
        if getattr(args, "format", "text") == "json":
            print(json.dumps({"error": "bad input", "problems": [p.to_dict() for p in exc.problems]},
                             ensure_ascii=False, indent=2))
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT


# -- argument types: a bad flag is named as the flag, with its value ------------------------------------------

def _flag_error(flag: str, text: str, expected_key: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(msg("cli.flag_value", flag=flag, value=repr(text), expected=msg(expected_key)))


def _date(flag: str):
    from optimizer.data.params import FIRST_DATE, LAST_DATE

    def parse(text: str) -> dt.date:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise _flag_error(flag, text, "cli.expect.date") from None
        if not FIRST_DATE <= day <= LAST_DATE:
            raise argparse.ArgumentTypeError(msg("cli.flag_value", flag=flag, value=repr(text), expected=msg(
                "limits.date_range", first=FIRST_DATE.isoformat(), last=LAST_DATE.isoformat())))
        return day
    return parse


def _number_in(flag: str, ok, expected_key: str):
    """A flag's number, refused (named as the flag, with its value) unless ``ok(value)``; NaN never passes."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise _flag_error(flag, text, "cli.expect.number") from None
        if not ok(value):
            raise _flag_error(flag, text, expected_key)
        return value
    return parse


def _positive_float(flag: str):
    return _number_in(flag, lambda v: 0 < v < 1e6, "cli.expect.positive")


def _share(flag: str):
    return _number_in(flag, lambda v: 0.0 <= v <= 1.0, "cli.expect.share")


# -- the commands -----------------------------------------------------------------------------------------

def run_check(args: argparse.Namespace) -> int:
    from optimizer.data.check import check_plan_consistency, findings_to_json, findings_to_text
    from optimizer.data.loader import DEFAULT_DATA_DIR, load_plan

    plan = load_plan(args.data or DEFAULT_DATA_DIR)
    findings = check_plan_consistency(plan)
    if args.format == "json":
        print(findings_to_json(findings))
    else:
        for note in plan.notes:
            print(msg("cli.note", note=note))
        print(findings_to_text(findings, plan))
    return EXIT_FINDINGS if findings else EXIT_OK


def commit(outputs: OutputSet) -> list[Path]:
    """Write a run's files; say where files of no earlier run were kept aside (they are never deleted)."""
    written = outputs.commit()
    if outputs.set_aside:
        print(msg("cli.set_aside", n=len(outputs.set_aside["files"]),
                  folder=outputs.out / str(outputs.set_aside["folder"])), file=sys.stderr)
    return written


def model_overrides(args: argparse.Namespace) -> dict[str, object]:
    """Settings given by flags, which override the scenario's."""
    return {k: v for k, v in (("solver", getattr(args, "solver", None)),
                              ("time_limit", getattr(args, "time_limit", None)),
                              ("cert_share", getattr(args, "cert_share", None))) if v is not None}


# Settings a flag may override, and the flag that names it in messages.
SETTING_FLAGS = {"solver": "--solver", "time_limit": "--time-limit", "cert_share": "--cert-share"}


def solve_for(args: argparse.Namespace, extra_identity: dict[str, object] | None = None, checks=(), problems=()):
    """Run the pipeline for a solving command; returns the RunResult, or an exit status for a missing solver.

    Every input is read first (``load_inputs``): the flags, the scenario and its bases, the data, the files of
    ``checks`` (weights, lots) and the caller's ``problems`` are reported together, in one pass."""
    from optimizer.data.scenario import load_inputs
    from optimizer.pipeline import SolverUnavailable, run_scenario

    overrides = model_overrides(args)
    scenario, plan, _ = load_inputs(args.scenario, args.data, overrides, SETTING_FLAGS, checks, list(problems))
    try:
        args.recorded = run_scenario(scenario, data=args.data, plan=plan, overrides=overrides,
                                     extra_identity=extra_identity)  # issue 18: the plan store records it
        return args.recorded
    except SolverUnavailable as exc:
        print(f"{msg('error')}: {msg('cli.solver_unavailable', reason=exc)}", file=sys.stderr)
        return EXIT_SOLVER_FAILED


def stage_run(outputs: OutputSet, result) -> None:
    """The solve's files: the tables when solved, summary.json always, diagnosis.json when infeasible."""
    from optimizer.outputs.files import add_solution

    # where the run came from goes into manifest.json (summary.json stays byte-identical for the same inputs)
    outputs.details.update({"scenario_file": str(result.scenario.source or "") or None,
                            "data_source": result.plan.source if Path(result.plan.source).is_dir() else None})
    add_solution(outputs, result.solution, result.summary(), result.timings)


def report_unsolved(result, out: Path) -> int:
    """Print why there is no plan; exit 3 (infeasible) or 4 (solver stopped)."""
    if result.status == "infeasible":
        print(msg("cli.infeasible", name=scenario_title(result.scenario.name)))
        for line in result.solution.diagnosis.messages:
            print(f"  - {line}")
        print(msg("cli.details_in", path=out / "diagnosis.json"))
        return EXIT_INFEASIBLE
    print(f"{msg('error')}: {msg('cli.stopped', reason=result.solution.summary.get('message', result.status))}",
          file=sys.stderr)
    return EXIT_SOLVER_FAILED


def print_violations(violations, limit: int = 20) -> None:
    for v in violations[:limit]:
        print(f"  - {v}", file=sys.stderr)
    if len(violations) > limit:
        print(f"  … +{len(violations) - limit}", file=sys.stderr)


def run_solve(args: argparse.Namespace) -> int:
    """Solve, verify, write; exit 0 solved and verified, 3 infeasible, 4 solver failure or violation."""
    result = solve_for(args)
    if isinstance(result, int):
        return result
    outputs = OutputSet(args.out, "solve", result.input_id, status=result.status)
    stage_run(outputs, result)
    commit(outputs)
    if not result.solution.ok:
        return report_unsolved(result, args.out)
    s = result.solution.summary
    print(msg("cli.solved", name=scenario_title(result.scenario.name), status=_status(s["status"]), solver=s["solver"],
              objective=yuan(s["objective"]), bound=yuan(s["lp_bound"]), gap=share(s["integer_gap"], 2)))
    print(notice_totals(result))
    for term, value in s["objective_terms"].items():
        label = msg(f"term.{term}") if f"term.{term}" in CATALOGUE else term
        print(msg("cli.term", term=label, value=yuan(value)))
    print(msg("cli.cert_shares", shares=", ".join(f"{result.problem.names.get(u, u)} {share(v)}"
                                                  for u, v in s["certificate_share"].items())))
    if result.violations:
        print(msg("cli.verify_failed", n=len(result.violations)), file=sys.stderr)
        print_violations(result.violations)
        return EXIT_SOLVER_FAILED
    print(msg("cli.verified", out=args.out, input_id=result.input_id))
    return EXIT_OK


def notice_totals(result) -> str:
    """The first thing a bureau checks: the plan's tech-school and provincial-project trainees against the totals of
    Annex 2 and Annex 4, and each prefecture's tech-school task against Annex 1 column 5 (the independent check
    verifies the same; this line shows the figures)."""
    from optimizer.messages.numbers import persons_exact as people  # to the person: a gap of 1 must show

    totals, problem = result.solution.summary["totals"], result.problem
    placed = totals["prefecture_tech_school"]
    targets = dict(zip(problem.targets["prefecture"], problem.targets["target"], strict=True))
    return msg("cli.totals", school=people(sum(totals["school"].values())),
               quota=people(problem.schools["quota"].sum()), unit=people(sum(totals["unit"].values())),
               plan=people(problem.unit_plans["trainees"].sum()),
               n_ok=sum(int(placed.get(p, 0)) == int(t) for p, t in targets.items()), n=len(targets))


def run_verify(args: argparse.Namespace) -> int:
    """Re-check the tables in a solve folder against the scenario's effective data; exit 0 clean, 1 violations."""
    from optimizer.pipeline import verify_folder

    folder = args.folder
    if not folder.is_dir():
        raise InputError([Problem(str(folder), None, None, None, msg("folder.missing"))])
    scenario, data = args.scenario, args.data
    if scenario is None:  # the folder must say which scenario (and data) it was solved with
        recorded = recorded_run(folder)
        scenario, data = recorded["scenario"], data if data is not None else recorded["data"]
    elif data is None and (folder / "manifest.json").is_file():
        try:
            data = recorded_run(folder)["data"]
        except InputError:
            data = None  # the scenario given decides; its own data folder then
    scen, rows, violations = verify_folder(folder, scenario, data=data)
    if args.format == "json":
        print(json.dumps({"folder": str(folder), "scenario": scen.name, "rows": rows,
                          "violations": [v.to_dict() for v in violations]}, ensure_ascii=False, indent=2))
    elif violations:
        print(msg("cli.verify_violations", out=folder, name=scenario_title(scen.name), n=len(violations)))
        for v in violations:
            print(f"  - {v}")
    else:
        print(msg("cli.verify_clean", out=folder, name=scenario_title(scen.name), n=rows))
    return EXIT_FINDINGS if violations else EXIT_OK


def recorded_run(folder: Path) -> dict[str, Path | None]:
    """The scenario file and data folder a solve folder's manifest.json records; bad input when it cannot say."""
    path = Path(folder) / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("not an object")
    except (OSError, ValueError) as exc:
        raise InputError([Problem(str(path), None, None, None, msg("folder.no_scenario", reason=exc))]) from None
    out: dict[str, Path | None] = {}
    for key, recorded in (("scenario", manifest.get("scenario_file")), ("data", manifest.get("data_source"))):
        out[key] = Path(recorded) if isinstance(recorded, str) and recorded else None
        if out[key] is not None and not out[key].exists():
            raise InputError([Problem(str(path), None, key, str(recorded), msg("folder.recorded_gone"))])
    return out


def run_export(args: argparse.Namespace) -> int:
    """Solve, verify, break down by county, write every workbook; exit as `solve` does."""
    from optimizer.outputs.breakdown import county_breakdown, load_county_weights
    from optimizer.pipeline import file_identity, input_identity

    identity = {"command": "export", "method": args.method, "weights": file_identity(args.weights)}
    loaded: dict[str, object] = {}

    def read_weights(plan, params) -> None:  # read with the scenario and the data, before solving
        if plan is None:  # the data could not be read: the file's own columns and types still are
            load_county_weights(args.weights, None)
            return
        loaded["weights"] = load_county_weights(args.weights, plan.counties)

    result = solve_for(args, identity, [read_weights] if args.weights else [])
    if isinstance(result, int):
        return result
    if args.as_of:
        as_of, basis = args.as_of, msg("cli.as_of.given")
    else:
        as_of, which = result.plan.notice.default_as_of()
        basis = msg(f"cli.as_of.{which}")
    # the covers count days from the as-of date: it is part of what decides this export
    input_id = input_identity(result.plan, result.params, {**identity, "as_of": as_of.isoformat()})
    outputs = OutputSet(args.out, "export", input_id, status=result.status)
    if not result.solution.ok or result.violations:
        stage_run(outputs, result)
        commit(outputs)
        if result.violations:
            print(msg("cli.verify_failed_export", n=len(result.violations)), file=sys.stderr)
            print_violations(result.violations)
            return EXIT_SOLVER_FAILED
        return report_unsolved(result, args.out)
    plan = result.plan
    weights = loaded.get("weights")
    breakdown = county_breakdown(plan, result.problem, result.solution, args.method, weights)
    outputs.details.update({"as_of": as_of.isoformat(), "as_of_basis": basis})
    outputs.json("summary.json", {**result.summary(), "input_id": input_id, "as_of": as_of.isoformat(),
                                  "as_of_basis": basis, "method": args.method,
                                  "weights": str(args.weights) if args.weights else None})
    covers = _assumption_covers(result)  # issue 20: each cover lists the assumptions that move it most
    outputs.folder(lambda folder: _export_files(folder, args, breakdown, plan, result, as_of, input_id, covers))
    written = commit(outputs)
    print(msg("cli.exported", n=len(written), out=args.out, name=scenario_title(result.scenario.name),
              method=args.method, as_of=as_of.isoformat(), as_of_basis=basis))
    for pref, notes in breakdown.notes.items():
        for note in notes:
            print(msg("cli.note", note=f"{plan.prefecture_name(pref)}：{note}"))
    return EXIT_OK


SHORTLIST_FLAGS = {"price_weight": "--price-weight", "technical_weights": "--weight", "area": "--area",
                   "thin_lots": "--thin-lots", "min_suppliers": "--min-suppliers", "lot_date": "--lot-date",
                   "method": "--method"}
MAX_MIN_SUPPLIERS = 1000


def shortlist_params(args: argparse.Namespace):
    """ShortlistParams from the command line; a bad value is bad input (exit 2) named by its flag and value."""
    import math

    from pydantic import ValidationError

    from optimizer.procurement.scoring import ShortlistParams

    fields: dict[str, object] = {"method": args.method, "price_weight": args.price_weight, "area": args.area,
                                 "thin_lots": args.thin_lots, "min_suppliers": args.min_suppliers}
    problems = [Problem(f"{SHORTLIST_FLAGS[k]} {v}", None, None, str(v), msg("limits.not_finite"))
                for k, v in fields.items() if isinstance(v, float) and not math.isfinite(v)]
    if not 1 <= args.min_suppliers <= MAX_MIN_SUPPLIERS:
        problems.append(Problem(f"--min-suppliers {args.min_suppliers}", None, None, str(args.min_suppliers),
                                msg("limits.above", maximum=MAX_MIN_SUPPLIERS, unit="") if args.min_suppliers > 1
                                else msg("limits.below", minimum=1, unit="")))
    if args.weight:
        weights = {}
        for item in args.weight:
            name, _, value = item.partition("=")
            try:
                weights[name.strip()] = float(value)
            except ValueError:
                problems.append(Problem(f"--weight {item}", None, name, item, msg("proc.params.name_points"),
                                        column_word="key"))
                continue
            if not math.isfinite(weights[name.strip()]):
                problems.append(Problem(f"--weight {item}", None, name, item, msg("limits.not_finite"),
                                        column_word="key"))
        fields["technical_weights"] = weights
    if args.lot_date:
        fields["lot_date"] = args.lot_date
    if problems:
        raise InputError(problems)
    try:
        return ShortlistParams(**fields)
    except ValidationError as exc:
        raise InputError([_shortlist_problem(args, e) for e in exc.errors()]) from None


def _shortlist_problem(args: argparse.Namespace, err: dict) -> Problem:
    """A ShortlistParams error blamed on the flag (or flags) that gave the value."""
    key = str(err["loc"][0]) if err["loc"] else ""
    if key in SHORTLIST_FLAGS:
        value = " ".join(args.weight) if key == "technical_weights" else getattr(args, key)
        where = f"{SHORTLIST_FLAGS[key]} {value}"
    else:  # a rule about the weights together
        where = f"--price-weight {args.price_weight}" + (f" --weight {' --weight '.join(args.weight)}"
                                                          if args.weight else "")
    from optimizer.messages.data import validation_message

    return Problem(where, None, None, None, validation_message(err))


def run_shortlist(args: argparse.Namespace) -> int:
    """Solve, then design lots, qualify schools, choose methods and ceilings, score, simulate awards; write.

    The procurement tables and a ``--lots`` file are read before the solve, against the plan data as loaded,
    so their problems come with the flags', the scenario's and the data's in one pass (issue 17)."""
    import time

    from optimizer.pipeline import file_identity
    from optimizer.procurement.awards import reserved_classes, simulate_awards
    from optimizer.procurement.io import write_shortlist_files
    from optimizer.procurement.shortlist import shortlist

    try:
        params, flag_problems = shortlist_params(args), []
    except InputError as exc:  # reported with the scenario's and the data's problems
        params, flag_problems = None, exc.problems
    identity = {"command": "shortlist", "shortlist": params.model_dump(mode="json") if params else None,
                "lots": file_identity(args.lots), "awards": not args.no_awards}
    loaded: dict[str, object] = {}
    result = solve_for(args, identity, [lambda plan, model: read_procurement_inputs(args, params, plan, model,
                                                                                     loaded)],
                       problems=flag_problems)
    if isinstance(result, int):
        return result
    outputs = OutputSet(args.out, "shortlist", result.input_id, status=result.status)
    if not result.solution.ok:
        stage_run(outputs, result)
        commit(outputs)
        return report_unsolved(result, args.out)
    tables = loaded["tables"]
    short = shortlist(result.problem, result.solution, params, loaded.get("lots"), tables)
    seconds = {**{k: round(float(v), 4) for k, v in result.timings.items()}, **short.seconds}
    awards = None
    if not args.no_awards:
        t = time.perf_counter()
        awards = simulate_awards(short, reserved_classes(short, result.solution))
        seconds["awards"] = round(time.perf_counter() - t, 4)
    outputs.folder(lambda folder: write_shortlist_files(short, awards, folder, seconds))
    commit(outputs)
    print_shortlist(short, awards, params, args.out, tables.notes)
    return EXIT_OK


def read_procurement_inputs(args: argparse.Namespace, params, plan, model, loaded: dict[str, object]) -> None:
    """The procurement tables and the ``--lots`` file, checked against the plan data (``plan`` None: the data
    could not be read, so only the lots file's own columns and cell types); every problem raised at once."""
    from optimizer.errors import ProblemList
    from optimizer.procurement.io import LotsContext, check_lots_content, load_lots
    from optimizer.procurement.scoring import ShortlistParams
    from optimizer.procurement.shortlist import check_lot_methods
    from optimizer.procurement.tables import load_procurement_tables

    found = ProblemList()
    lot_params = params or ShortlistParams()
    if plan is None:
        if args.lots:
            try:
                names = _plan_names(args)
                if names is None:  # a naming table is bad too: the lots file's own content only
                    check_lots_content(args.lots, lot_params)
                else:
                    load_lots(args.lots, LotsContext.of_plan(names), lot_params)
            except InputError as exc:
                found.extend(exc.problems)
        found.raise_if_any()
        return
    folder = args.data or (Path(plan.source) if Path(plan.source).is_dir() else None)
    try:
        loaded["tables"] = load_procurement_tables(folder, plan.courses, set(plan.annex2["institution"]))
    except InputError as exc:
        found.extend(exc.problems)
    if args.lots:
        try:
            loaded["lots"] = load_lots(args.lots, LotsContext.of_plan(plan, model), lot_params)
        except InputError as exc:
            found.extend(exc.problems)
    if "tables" in loaded and "lots" in loaded:
        try:
            check_lot_methods(loaded["lots"], plan.courses, loaded["tables"], lot_params.method)
        except InputError as exc:
            found.extend(exc.problems)
    found.raise_if_any()


def _plan_names(args: argparse.Namespace):
    """The data's naming tables (prefectures, counties, groups, courses) when they are sound, else None: a lots
    file is then still checked by name while another data table is bad."""
    from optimizer.data.loader import DEFAULT_DATA_DIR, load_plan_names
    from optimizer.data.scenario import load_scenario

    folder = args.data
    if folder is None and args.scenario is not None:
        try:
            folder = load_scenario(args.scenario).data_dir
        except InputError:
            return None
    try:
        return load_plan_names(folder or DEFAULT_DATA_DIR)
    except InputError:
        return None


def print_shortlist(short, awards, params, out: Path, notes: list[str]) -> None:
    """What a run found: lots with enough qualified schools, every other lot with its route, the awards."""
    lots = short.lots
    ok = int((lots["eligible_count"] >= params.min_suppliers).sum())
    print(msg("proc.cli.summary", lots=len(lots), ok=ok, share=share(ok / max(1, len(lots))),
              m=params.min_suppliers, out=out))
    for r in lots[lots["eligible_count"] < params.min_suppliers].itertuples():
        print(msg("proc.cli.exception_line", lot=r.lot, area=r.area_name, group=r.group_name, n=r.eligible_count,
                  route=r.route or r.exception))
    if awards is not None:
        print(msg("proc.cli.awards", cost=yuan(awards.expected_cost_yuan), ceiling=yuan(awards.ceiling_yuan),
                  over=awards.over_committed["school_code"].nunique()))
        if len(awards.unawarded):
            print(msg("proc.cli.unawarded", n=len(awards.unawarded),
                      classes=int(awards.unawarded["short_classes"].sum())))
    for note in notes:
        print(msg("cli.note", note=note))


def check_scenario_files(paths: list[Path], data: Path | None = None) -> None:
    """Read every scenario file (and its data) before solving any: the problems of all are listed at once."""
    from optimizer.data.scenario import load_inputs

    problems, seen = [], set()
    for path in paths:
        try:
            load_inputs(path, data)
        except InputError as exc:
            for p in exc.problems:
                if str(p) not in seen:  # two scenarios on the same data: its problems once
                    seen.add(str(p))
                    problems.append(p)
    if problems:
        raise InputError(problems)


def run_compare(args: argparse.Namespace) -> int:
    """Two scenarios side by side; with --out, comparison.xlsx and comparison.json in that folder."""
    from optimizer.analysis.compare import compare, comparison_text, write_comparison_xlsx
    from optimizer.pipeline import run_scenario

    check_scenario_files([args.a, args.b], args.data)
    a = run_scenario(args.a, data=args.data)
    b = run_scenario(args.b, data=args.data)
    result = compare((a.scenario.name, a.problem, a.solution), (b.scenario.name, b.problem, b.solution))
    print(result.to_json() if args.format == "json" else comparison_text(result, args.top))
    if args.out:
        outputs = OutputSet(args.out, "compare", f"{a.input_id}+{b.input_id}",
                            details={"a": str(args.a), "b": str(args.b)})
        outputs.file("comparison.xlsx", lambda path: write_comparison_xlsx(result, path))
        outputs.json("comparison.json", result.to_dict())
        commit(outputs)
    return EXIT_OK


def run_sweep(args: argparse.Namespace) -> int:
    """Solve every grid point; write sweep.csv and one plot per figure."""
    from optimizer.analysis.sweep import (
        DEFAULT_CACHE,
        parse_param,
        plot_sweep,
        run_sweep,
        sweep_reasons,
        sweep_table,
        sweep_text,
    )

    if getattr(args, "samples", None):  # issue 20: a Monte Carlo sweep of the assumed numbers
        return run_monte_carlo(args)
    if not args.param:
        raise InputError([Problem("--param", None, None, None, msg("asm.cli.param_or_samples"))])

    params = [parse_param(p) for p in args.param]
    cache = None if args.no_cache else (args.cache or DEFAULT_CACHE)
    executor = "dask" if args.scheduler else args.executor  # an address means a cluster
    results = run_sweep(args.scenario, params, args.data, args.workers, cache, executor=executor,
                        scheduler=args.scheduler)
    table = sweep_table(results)
    outputs = OutputSet(args.out, "sweep", None, details={"points": len(table)})
    outputs.frame("sweep.csv", table)
    outputs.folder(lambda folder: [p.name for p in plot_sweep(table, params, folder)])
    written = commit(outputs)
    print(sweep_text(table, params))
    for line in sweep_reasons(table, params):
        print(line)
    if (table["status"] == "optimal").any():
        from optimizer.model.class_step import CLASS_GAP

        print(msg("cli.sweep_resolved", gap=share(CLASS_GAP)))
    print(msg("cli.sweep_done", n=len(table), cached=int(table["cached"].sum()),
              bad=int((table["status"] != "optimal").sum()), plots=len(written) - 2, out=args.out))
    return EXIT_OK


def run_templates(args: argparse.Namespace) -> int:
    """Blank templates of the assumed tables; a folder holding data tables is refused (exit 5)."""
    from optimizer.data.templates import write_templates

    outputs = OutputSet(args.out, "templates", None)
    outputs.folder(lambda folder: [p.name for p in write_templates(folder)])
    written = commit(outputs)
    print(msg("cli.templates_written", n=len(written) - 1, out=args.out))
    return EXIT_OK


def run_evaluate(args: argparse.Namespace) -> int:
    """Check real quotes (and panel scores) against a shortlist run; write the ranking with every score part."""
    from optimizer.procurement.evaluation import evaluate, write_evaluation_files

    table = evaluate(args.folder, args.quotes, args.scores)
    outputs = OutputSet(args.out, "evaluate")
    outputs.folder(lambda folder: write_evaluation_files(table, folder))
    commit(outputs)
    print(msg("proc.cli.evaluated", lots=table["lot"].nunique(), quotes=len(table), out=args.out))
    unranked = table.loc[table["rank"].isna(), "lot"].nunique()
    if unranked and args.scores is None:  # 综合评分 needs the panel's technical scores to rank
        print(msg("proc.cli.needs_scores", lots=unranked))
    return EXIT_OK


def run_explain(args: argparse.Namespace) -> int:
    """`explain --county`: solve the scenario through the pipeline (nothing written), then explain one county."""
    from optimizer.outputs.explain import county_hint, explain_county, find_county, render

    args.cert_share = args.solver = args.time_limit = None
    if not args.county.strip():  # named before the solve: an empty --county is a flag without its value
        raise InputError([Problem("--county", None, None, None, msg("explain.empty_county"))])
    result = solve_for(args)
    if isinstance(result, int):
        return result
    problem = result.problem
    adcode = find_county(problem, args.county)
    if adcode is None:
        hint = county_hint(problem, args.county)
        print(msg("explain.unknown_hint", name=args.county, hint=hint) if hint else
              msg("explain.unknown", name=args.county), file=sys.stderr)
        return EXIT_BAD_INPUT
    if not result.solution.ok:  # the status in words (it printed "错误: infeasible")
        status = msg(f"status.{result.status}") if f"status.{result.status}" in CATALOGUE else result.status
        print(f"{msg('error')}: {status}", file=sys.stderr)
        return EXIT_INFEASIBLE if result.status == "infeasible" else EXIT_SOLVER_FAILED
    print(render(explain_county(problem, result.solution, adcode), problem=problem))
    return EXIT_OK


def _export_files(folder: Path, args: argparse.Namespace, breakdown, plan, result, as_of: dt.date,
                  input_id: str, covers: dict[str, list[tuple[str, str]]] | None = None) -> list[str]:
    """The export's workbooks (and with --pdf their PDFs, where LibreOffice is installed) into ``folder``."""
    import subprocess

    from optimizer.outputs.workbook import convert_with_libreoffice, export_workbooks

    title = scenario_title(result.scenario.name, "zh")  # the covers are Chinese
    written = export_workbooks(folder, breakdown, plan, title, result.params, as_of,
                               input_id=input_id, as_of_given=args.as_of is not None,
                               cover_rows_by_prefecture=covers)
    names = [p.name for p in written]
    if getattr(args, "pdf", False):
        try:
            pdfs = convert_with_libreoffice([p for p in written if p.suffix == ".xlsx"], folder)
        except FileNotFoundError:
            print(msg("wb.pdf_missing"), file=sys.stderr)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            print(msg("wb.pdf_failed", name="pdf", reason=exc), file=sys.stderr)
        else:
            names += [p.name for p in pdfs]
            print(msg("wb.pdf_written", n=len(pdfs), folder=f"{args.out}/"))
    return names


def run_intake(args: argparse.Namespace) -> int:
    """Check and consolidate the returned workbooks: 0 consistent, 1 findings, 2 a file cannot be read."""
    import pandas as pd

    from optimizer.data.loader import DEFAULT_DATA_DIR, load_plan
    from optimizer.outputs.intake import intake, intake_text, write_consolidated

    plan = load_plan(args.data or DEFAULT_DATA_DIR)
    draft_dir = args.plan or (args.folder if (args.folder / "breakdown.csv").exists() else None)
    draft = None
    if draft_dir is not None:
        path = draft_dir / "breakdown.csv" if draft_dir.is_dir() else draft_dir
        if not path.exists():
            raise InputError([Problem(str(path), None, None, None, msg("intake.no_breakdown_csv"))])
        draft = pd.read_csv(path, encoding="utf-8-sig", dtype={"adcode": str, "column": str})
    result = intake(args.folder, plan, draft)
    out = args.out if args.out.suffix.lower() == ".xlsx" else args.out / "consolidated.xlsx"
    outputs = OutputSet(out.parent, "intake", None, status="ok" if result.status == EXIT_OK else "findings")
    outputs.folder(lambda folder: [p.name for p in write_consolidated(result, folder / out.name, plan)])
    written = [p for p in commit(outputs) if p.name != "manifest.json"]
    if args.format == "json":
        print(json.dumps({**result.to_json(), "written": [str(p) for p in written]}, ensure_ascii=False, indent=2))
    else:
        print(intake_text(result))
        print(msg("intake.written", files="、".join(str(p) for p in written)))
    return result.status

# -- issue 18: progress, replan, runs; recording runs in the plan store -----------------------------------------

def _add_tracking_commands(sub) -> None:
    """The tracking commands' arguments (issue 18)."""
    def parser(name: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=msg(f"track.cli.{name}"), description=msg(f"track.cli.{name}"),
                              formatter_class=HelpFormatter)

    for name, out in (("progress", "progress"), ("replan", "replan")):
        p = parser(name)
        p.add_argument("actuals", type=Path, help=msg("track.cli.actuals"))
        p.add_argument("scenario", nargs="?", type=Path, default=None, help=msg("cli.scenario"))
        p.add_argument("--as-of", type=_date("--as-of"), required=True, help=msg("track.cli.as_of"))
        p.add_argument("--out", type=Path, default=Path(out), help=msg("cli.out"))
        p.add_argument("--data", type=Path, default=None, help=msg("cli.data"))
        p.add_argument("--solver", choices=("highs", "cbc"), default=None, help=msg("cli.solver"))
        p.add_argument("--time-limit", type=_positive_float("--time-limit"), default=None,
                       help=msg("cli.time_limit"))
        if name == "progress":
            p.add_argument("--lag-threshold", type=_share("--lag-threshold"), default=None,
                           help=msg("track.cli.lag_threshold"))
    runs = parser("runs")
    rsub = runs.add_subparsers(dest="runs_command", required=True, metavar="ACTION")
    rl = rsub.add_parser("list", help=msg("track.cli.runs_list"), formatter_class=HelpFormatter)
    rl.add_argument("--command", dest="of_command", default=None, help=msg("track.cli.of_command"))
    rl.add_argument("--limit", type=int, default=50, help=msg("track.cli.limit"))
    rl.add_argument("--format", choices=("text", "json"), default="text", help=msg("cli.format"))
    rs = rsub.add_parser("show", help=msg("track.cli.runs_show"), formatter_class=HelpFormatter)
    rs.add_argument("id", type=int)
    rs.add_argument("--format", choices=("text", "json"), default="text", help=msg("cli.format"))
    rd = rsub.add_parser("diff", help=msg("track.cli.runs_diff"), formatter_class=HelpFormatter)
    rd.add_argument("a", type=int)
    rd.add_argument("b", type=int)
    rd.add_argument("--format", choices=("text", "json"), default="text", help=msg("cli.format"))
    rm = rsub.add_parser("submit", help=msg("track.cli.runs_submit"), formatter_class=HelpFormatter)
    rm.add_argument("id", type=int)


RECORDED_COMMANDS = ("solve", "export", "shortlist")  # progress and replan record themselves


def _settings(args: argparse.Namespace) -> dict:
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
            if k not in ("command", "recorded") and v is not None}


def _key_figures(summary: dict) -> dict:
    return {k: summary[k] for k in ("objective", "objective_terms", "lp_bound", "integer_gap", "certificate_share",
                                    "trainee_km") if k in summary}


def _recorded(args: argparse.Namespace, code: int) -> int:
    """Record a finished solve / export / shortlist in the plan store; never changes the exit status."""
    from optimizer.store import record_run

    result = getattr(args, "recorded", None)
    if args.command not in RECORDED_COMMANDS or result is None or isinstance(result, int):
        return code
    status = "verify_failed" if result.ok and code == EXIT_SOLVER_FAILED else result.status
    out = getattr(args, "out", None)
    record_run(args.command, result.input_id, _settings(args), status, _key_figures(result.solution.summary),
               [out] if out is not None and out.exists() else [])
    return code


def _plan_and_records(args: argparse.Namespace):
    """The plan's RunResult and the validated records; or an exit status."""
    from optimizer.data.actuals import load_actuals

    args.cert_share = None
    result = solve_for(args)
    if isinstance(result, int):
        return result
    if not result.solution.ok:
        return report_unsolved(result, args.out)
    records = load_actuals(args.actuals, result.plan, args.as_of)
    return result, records


def _tracking_settings(args: argparse.Namespace) -> dict:
    from optimizer.pipeline import file_identity

    return {**_settings(args), "actuals_id": file_identity(args.actuals)}


def run_progress(args: argparse.Namespace) -> int:
    """Progress tables, R18 top five, overdue claims and the tracking report workbooks."""
    from optimizer.messages.numbers import persons
    from optimizer.outputs.breakdown import county_breakdown
    from optimizer.store import record_run
    from optimizer.tracking.progress import DEFAULT_LAG_THRESHOLD, progress
    from optimizer.tracking.report import progress_files

    loaded = _plan_and_records(args)
    if isinstance(loaded, int):
        return loaded
    result, records = loaded
    plan, problem = result.plan, result.problem
    threshold = args.lag_threshold if args.lag_threshold is not None else DEFAULT_LAG_THRESHOLD
    breakdown = county_breakdown(plan, problem, result.solution)
    p = progress(plan, problem, breakdown, records, args.as_of, threshold)
    outputs = OutputSet(args.out, "progress", result.input_id, details={"as_of": args.as_of.isoformat()})
    title = scenario_title(result.scenario.name, "zh")  # the report's cover is Chinese
    for name, content in progress_files(plan, problem, breakdown, records, p, title,
                                        result.input_id, threshold).items():
        if callable(content):
            outputs.file(name, content)
        else:
            outputs.frame(name, content)
    written = commit(outputs)
    total = p.table[(p.table["level"] == "province") & (p.table["measure"] == "附件1第1栏")].iloc[0]
    lagging = p.table[p.table["lagging"] & p.table["level"].isin(["prefecture", "county"])]
    print(msg("track.progress_done", as_of=args.as_of.isoformat(), done=persons(total["done"]),
              running=persons(total["running"]), elapsed=share(p.elapsed), lagging=len(lagging),
              overdue=len(p.overdue), out=args.out))
    for r in lagging[lagging["level"] == "prefecture"].head(10).itertuples():
        print(msg("track.lagging_line", area=r.prefecture, measure=r.measure,
                  share=share((r.done + r.running) / r.planned), expected=share(r.share_expected)))
    figures = {"classes": len(records), "done": int(total["done"]), "running": int(total["running"]),
               "planned": int(total["planned"]), "elapsed": round(p.elapsed, 4), "lagging": len(lagging),
               "overdue_claims": len(p.overdue), "top5_rows": len(p.top5)}
    record_run("progress", result.input_id, _tracking_settings(args), "ok", figures, written)
    return EXIT_OK


def run_replan(args: argparse.Namespace) -> int:
    """Re-plan the rest of the year: solve's tables plus changes.csv; exit as `solve` does."""
    from optimizer.messages.numbers import persons
    from optimizer.outputs.files import add_solution
    from optimizer.pipeline import run_replan as replan
    from optimizer.store import record_run
    from optimizer.tracking.replan import verify_replan

    loaded = _plan_and_records(args)
    if isinstance(loaded, int):
        return loaded
    result, records = loaded
    rp = replan(result, records, args.as_of)
    new = rp.solution
    settings = _tracking_settings(args)
    summary = {**new.summary, "scenario": result.scenario.name, "plan_input_id": result.input_id,
               "as_of": args.as_of.isoformat()}
    outputs = OutputSet(args.out, "replan", result.input_id, status=new.status,
                        details={"as_of": args.as_of.isoformat()})
    if new.status == "infeasible":
        add_solution(outputs, new, summary, {})
        written = commit(outputs)
        print(msg("track.replan_infeasible", as_of=args.as_of.isoformat()))
        for line in new.diagnosis.messages:
            print(f"  - {line}")
        record_run("replan", result.input_id, settings, "infeasible", {"messages": new.diagnosis.messages[:5]},
                   written)
        return EXIT_INFEASIBLE
    if not new.ok:
        print(f"{msg('error')}: {new.summary.get('message', new.status)}", file=sys.stderr)
        return EXIT_SOLVER_FAILED
    problems = verify_replan(rp.problem, new) + rp.mismatches + rp.dropped
    c = rp.classified
    kept = int(c.school_in["trainees"].sum() + c.unit_in["trainees"].sum())
    summary |= {"verified": not problems, "kept_trainees": kept, "annex_totals_exact": not rp.mismatches,
                "outside_plan_trainees": int(c.other["trainees"].sum() + c.school_out["trainees"].sum()
                                             + c.unit_out["trainees"].sum())}
    add_solution(outputs, new, summary, new.summary.get("seconds", {}))
    outputs.frame("changes.csv", rp.changes)
    written = commit(outputs)
    figures = {**_key_figures(new.summary), "original_objective": result.solution.summary["objective"],
               "kept_trainees": kept, "changes": len(rp.changes), "verified": not problems}
    if problems:
        print(msg("cli.verify_failed", n=len(problems)), file=sys.stderr)
        print_violations(problems)
        record_run("replan", result.input_id, settings, "verify_failed", figures, written)
        return EXIT_SOLVER_FAILED
    print(msg("track.replan_done", as_of=args.as_of.isoformat(), kept=persons(kept), changed=len(rp.changes),
              out=args.out))
    for r in rp.changes.head(10).itertuples():
        print(msg("replan.change", level=msg(f"replan.level.{r.level}"),
                  programme=msg(f"replan.programme.{r.programme}"), name=r.name, original=int(r.original),
                  replanned=int(r.replanned), change=int(r.change)))
    record_run("replan", result.input_id, settings, "optimal", figures, written)
    return EXIT_OK


def run_runs(args: argparse.Namespace) -> int:
    """runs list | show ID | diff A B | submit ID."""
    from optimizer.store import diff_runs, open_store

    store = open_store()
    fmt = getattr(args, "format", "text")
    if args.runs_command == "list":
        runs = store.runs(args.of_command, args.limit)
        if fmt == "json":
            print(json.dumps([r.brief() for r in runs], ensure_ascii=False, indent=2))
        elif not runs:
            print(msg("store.no_runs"))
        for r in runs if fmt == "text" else []:
            print(_run_line(r.brief()))
        return EXIT_OK
    ids = [args.a, args.b] if args.runs_command == "diff" else [args.id]
    views = [store.get(i) for i in ids]
    for i, v in zip(ids, views, strict=True):
        if v is None:
            print(msg("store.no_run", id=i), file=sys.stderr)
            return EXIT_BAD_INPUT
    if args.runs_command == "submit":
        if views[0].command != "export":
            print(msg("store.not_export", id=ids[0], command=views[0].command), file=sys.stderr)
            return EXIT_BAD_INPUT
        store.submit(ids[0])
        print(msg("store.submitted", id=ids[0]))
        return EXIT_OK
    if args.runs_command == "show":
        data = {**views[0].to_dict(), "linked": [r.brief() for r in store.linked(ids[0])]}
        if fmt == "json":
            print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
            return EXIT_OK
        print_run(data)
        return EXIT_OK
    d = diff_runs(*views)
    if fmt == "json":
        print(json.dumps(d, ensure_ascii=False, indent=2, default=str))
        return EXIT_OK
    print_run_diff(d)
    return EXIT_OK


def _add_assumptions_command(sub) -> None:
    """Issue 20: `assumptions` (how much the plan depends on each assumed number) and `sweep --samples N`."""
    asm = sub.add_parser("assumptions", help=msg("asm.cli.help"), description=msg("asm.cli.description"),
                         epilog=msg("asm.cli.epilog"), formatter_class=HelpFormatter)
    asm.add_argument("scenario", nargs="?", type=Path, default=None, help=msg("cli.scenario"))
    asm.add_argument("--data", type=Path, default=None, help=msg("cli.data"))
    asm.add_argument("--out", type=Path, default=Path("assumptions"), help=msg("cli.out"))
    asm.add_argument("--top", type=_count_in("--top", 0, 200), default=10, help=msg("asm.cli.top"))
    sweep = sub.choices["sweep"]
    for action in sweep._actions:
        if action.dest == "param":  # a Monte Carlo sweep needs no grid
            action.required = False
            action.default = []
    sweep.add_argument("--samples", type=_count_in("--samples", 1, 1000), default=None, help=msg("asm.cli.samples"))
    sweep.add_argument("--seed", type=_count_in("--seed", 0, 2**31 - 1), default=0, help=msg("asm.cli.seed"))


def _count_in(flag: str, low: int, high: int):
    """A whole number within [low, high] for ``flag``; otherwise the flag and value are named (exit 2)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(msg("asm.cli.bad_count", flag=flag, value=text, low=low,
                                                 high=high)) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(msg("asm.cli.bad_count", flag=flag, value=text, low=low, high=high))
        return value

    return parse


def run_assumptions(args: argparse.Namespace) -> int:
    """Rank every assumed number by how much the plan depends on it; re-solve the top N at the ends of their
    sourced ranges; write assumptions.csv, assumptions_by_prefecture.csv and assumptions.xlsx."""
    from optimizer.analysis.assumptions import analyse, csv_table, write_assumptions_xlsx
    from optimizer.data.scenario import load_inputs
    from optimizer.messages.numbers import yuan as in_yuan
    from optimizer.pipeline import run_sensitivity

    scenario, plan, _ = load_inputs(args.scenario, args.data, {}, {}, (), [])
    if plan.assumption_ranges is None or plan.assumption_ranges.empty:
        raise InputError([Problem(str(args.data or scenario.data_dir), None, None, "assumption_ranges.csv",
                                  msg("asm.cli.no_ranges"))])
    try:
        run = run_sensitivity(scenario, data=args.data, plan=plan)
    except RuntimeError as exc:
        print(f"{msg('error')}: {msg('asm.cli.no_optimum', reason=exc)}", file=sys.stderr)
        return EXIT_INFEASIBLE
    report = analyse(run, top=args.top)
    outputs = OutputSet(args.out, "assumptions", report.input_id,
                        details={"scenario_file": str(scenario.source or "") or None, "top": args.top})
    outputs.frame("assumptions.csv", csv_table(report))
    outputs.frame("assumptions_by_prefecture.csv", report.by_prefecture)
    outputs.file("assumptions.xlsx", lambda path: write_assumptions_xlsx(report, path, args.top))
    outputs.json("timings.json", report.timings)
    commit(outputs)
    print(msg("asm.cli.done", n=len(report.table), name=report.scenario, objective=in_yuan(report.objective),
              top=args.top, out=args.out, seconds=f"{sum(report.timings.values()):.1f}"))
    for r in report.table.head(args.top).itertuples():
        shown = (f"{v:.1%}" if r.table == "profession_focus" else f"{v:,.0f}"
                 for v in (r.value, r.source_range_low, r.source_range_high))
        print("  {:>3}. {} {} {} [{}–{}]  {}".format(r.rank, r.name, msg(f"asm.col.{r.table}.{r.column}"), *shown,
                                                   in_yuan(r.sensitivity)))
    return EXIT_OK


def _assumption_covers(result) -> dict[str, list[tuple[str, str]]]:
    """Issue 20: per workbook (prefecture adcode, 530000 for the province) the cover rows naming the ten assumed
    numbers that move its plan most; none where the data folder has no sourced ranges."""
    from optimizer.analysis.assumptions import covers, prefecture_lists

    return covers(prefecture_lists(result), result.problem.targets["prefecture"])


def run_monte_carlo(args: argparse.Namespace) -> int:
    """`sweep --samples N [--seed S]`: every assumed number drawn within its sourced range, N times, on the
    sweep's executors and cache; per county and per school how often and how much its trainees change, and the
    share of samples that stay feasible (sweep.csv, variability_counties.csv, variability_schools.csv)."""
    import time

    from optimizer.analysis.assumptions import sample_points, variability
    from optimizer.analysis.sweep import DEFAULT_CACHE, run_points, sweep_table
    from optimizer.data.scenario import load_inputs

    if args.param:
        raise InputError([Problem("--samples", None, None, str(args.samples), msg("asm.cli.samples_and_param"))])
    scenario, plan, _ = load_inputs(args.scenario, args.data, {}, {}, (), [])
    if plan.assumption_ranges is None or plan.assumption_ranges.empty:
        raise InputError([Problem(str(args.data or scenario.data_dir), None, None, "assumption_ranges.csv",
                                  msg("asm.cli.no_ranges"))])
    cache = None if args.no_cache else (args.cache or DEFAULT_CACHE)
    executor = "dask" if args.scheduler else args.executor
    t0 = time.perf_counter()
    results = run_points(args.scenario, sample_points(args.samples, args.seed), args.data, args.workers, cache,
                         executor=executor, scheduler=args.scheduler)
    seconds = time.perf_counter() - t0
    names = {**dict(zip(plan.counties["adcode"], plan.counties["county"], strict=True)),
             **dict(zip(plan.institutions["code"], plan.institutions["name"], strict=True))}
    var = variability(results, names)
    table = sweep_table(results)
    outputs = OutputSet(args.out, "sweep", None, details={"samples": args.samples, "seed": args.seed,
                                                          "feasible": var.feasible, "seconds": round(seconds, 1)})
    outputs.frame("sweep.csv", table)
    outputs.frame("variability_counties.csv", var.counties)
    outputs.frame("variability_schools.csv", var.schools)
    commit(outputs)
    print(msg("asm.cli.mc_done", n=var.samples, feasible=var.feasible, share=share(var.feasible_share),
              seed=args.seed, out=args.out, seconds=f"{seconds:.0f}"))
    if not var.counties.empty:
        changed = var.counties[var.counties["changed_share"] > 0]
        print(msg("asm.cli.mc_counties", n=len(changed), total=len(var.counties)))
        for r in var.counties.head(5).itertuples():
            print(f"  {r.county}: {share(r.changed_share)}, ±{r.mean_abs_change:,.0f} ({r.p05:,.0f}–{r.p95:,.0f})")
    return EXIT_OK


# -- the plan store's text output, in the catalogue's language --------------------------------------------------

MONEY_FIGURES = ("objective", "lp_bound", "original_objective")


def _status(status: object) -> str:
    return msg(f"status.{status}") if f"status.{status}" in CATALOGUE else str(status)


def _run_line(r: dict) -> str:
    """One run of `runs list`."""
    mark = msg("runs.submitted_mark", date=r["submitted"]) if r.get("submitted") else ""
    link = f" ← #{r['parent_id']}" if r.get("parent_id") else ""
    return msg("runs.line", id=r["id"], created=r["created"], command=r["command"],
               status=padded(_status(r["status"]), 14), input_id=r["input_id"] or "-", mark=mark, link=link)


def _flat(d: dict, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _label(key: str, kind: str = "figure") -> str:
    """A key figure or setting by name: 'objective_terms.cost' → 培训费用, 'certificate_share.u01' →
    等级证书类比例 u01."""
    if f"{kind}.{key}" in CATALOGUE:
        return msg(f"{kind}.{key}")
    head, _, code = key.rpartition(".")
    return f"{msg(f'{kind}.{head}')} {code}" if head and f"{kind}.{head}" in CATALOGUE else key


def _value(key: str, value: object) -> str:
    """A key figure as people read it: money in 万元, shares in %, counts with separators."""
    if value is None:
        return msg("runs.none")
    if isinstance(value, bool):
        return msg("runs.yes" if value else "runs.no")
    if isinstance(value, int | float):
        if key in MONEY_FIGURES or key.startswith("objective_terms."):
            return yuan(value)
        if key.startswith("certificate_share.") or key == "elapsed":
            return share(value)
        if key == "integer_gap":  # above the LP bound, as solve says it
            return share(value, 2)
        if key == "trainee_km":
            return f"{round(value):,}"
        return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
    if isinstance(value, list):
        return msg("diag.join").join(str(v) for v in value)
    return str(value)


def _difference(key: str, d: float) -> str:
    """B − A with its sign: money in 万元, shares in percentage points."""
    if key in MONEY_FIGURES or key.startswith("objective_terms."):
        return ("+" if d > 0 else "") + yuan(d)
    if key.startswith("certificate_share.") or key == "elapsed":
        return f"{d:+.1%}"
    return f"{d:+,}"


def print_run(data: dict) -> None:
    """`runs show`: the run's fields, settings and key figures by name, its files and linked runs."""
    for k in ("id", "command", "status", "input_id", "created", "submitted", "parent_id"):
        value = _status(data[k]) if k == "status" else (msg("runs.none") if data[k] is None else data[k])
        print(msg("runs.show_line", label=msg(f"runs.field.{k}"), value=value))
    for section, kind in (("settings", "setting"), ("key_figures", "figure")):
        print(msg("runs.show_line", label=msg(f"runs.field.{section}"), value=""))
        for key, value in _flat(data[section] or {}).items():
            print(msg("runs.figure", label=_label(key, kind), value=_value(key, value)))
    for o in data["outputs"]:
        print(msg("runs.output", name=o["name"], bytes=o["bytes"], sha=o["sha256"][:12]))
    for r in data["linked"]:
        print(msg("runs.linked", id=r["id"], command=r["command"], status=_status(r["status"]), created=r["created"]))


def print_run_diff(d: dict) -> None:
    """`runs diff`: settings and key figures that differ (B − A for numbers), then the files."""
    print(msg("runs.diff_head", a=d["a"]["id"], a_command=d["a"]["command"], a_created=d["a"]["created"],
              b=d["b"]["id"], b_command=d["b"]["command"], b_created=d["b"]["created"],
              same=msg("runs.yes" if d["same_inputs"] else "runs.no")))
    for section, kind in (("settings", "setting"), ("key_figures", "figure")):
        print(msg(f"runs.section.{section}") + ("" if d[section] else msg("runs.no_difference")))
        for row in d[section]:
            key = row["key"]
            tail = msg("runs.difference", d=_difference(key, row["difference"])) if "difference" in row else ""
            print(msg("runs.diff_row", key=_label(key, kind), a=_value(key, row["a"]), b=_value(key, row["b"]),
                      tail=tail))
    print(msg("runs.files_same", n=d["files_same"]))
    for f in d["files"]:
        print(msg("runs.file_differs", name=f["name"], a=msg(f"runs.{f['a']}"), b=msg(f"runs.{f['b']}")))


# -- issue 19: the plan store's import in the background ---------------------------------------------------------

def _preload_store() -> None:
    """Import the plan store (SQLAlchemy: ~0.3–0.8 s) in a daemon thread, started when HiGHS starts solving
    (``while_next_solve``): HiGHS releases the GIL while it runs, so the import costs the user no wall time
    there. ``_recorded`` imports it again, which waits for this thread if it is not done (Python's per-module
    import lock)."""
    import contextlib
    import threading

    def load() -> None:
        with contextlib.suppress(Exception):  # _recorded imports it again and reports a real problem there
            import optimizer.store  # noqa: F401 - imported for its side effect (modules loaded)

    threading.Thread(target=load, name="preload-store", daemon=True).start()
