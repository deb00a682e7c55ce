"""Command line: ``yunnan-plan <command>`` (same as ``python -m optimizer``).

Exit statuses: 0 success / no finding, 1 findings, 2 bad input, 3 infeasible, 4 solver failure,
5 output could not be written (docs/errors.md).
"""

from __future__ import annotations

import argparse
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
)


class FlagNumber(float):
    """A number given as a flag that remembers how it was written, so a message repeats ``--cert-share 1.50``
    as typed."""

    text: str

    def __new__(cls, text: str) -> FlagNumber:
        number = super().__new__(cls, text)
        number.text = text
        return number

    def __str__(self) -> str:
        return self.text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="yunnan-plan", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="check the plan's own numbers and names for inconsistencies")
    check.add_argument("--data", type=Path, default=None, help="data folder (default: the shipped data/)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    solve = sub.add_parser("solve", help="allocate school quotas and unit trainees; verify; write the tables")
    solve.add_argument("scenario", nargs="?", type=Path, default=None, help="scenario YAML (default: defaults)")
    solve.add_argument("--data", type=Path, default=None, help="data folder (overrides the scenario's)")
    solve.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out/)")
    solve.add_argument("--solver", choices=("highs", "cbc"), default=None)
    solve.add_argument("--time-limit", type=FlagNumber, default=None, help="seconds per solver call")
    solve.add_argument("--cert-share", type=FlagNumber, default=None, help="R1 share ρ (default 0.60)")
    export = sub.add_parser("export", help="county task breakdowns as the prefectures' submission workbooks")
    export.add_argument("scenario", nargs="?", type=Path, default=None, help="scenario YAML (default: defaults)")
    export.add_argument("--data", type=Path, default=None, help="data folder (overrides the scenario's)")
    export.add_argument("--out", type=Path, default=Path("export"), help="output folder (default: export/)")
    export.add_argument("--as-of", type=_date, default=None, help="date for the days-left count (default: today)")
    export.add_argument("--method", choices=("hamilton", "webster", "dhondt", "huntington_hill"),
                        default="hamilton", help="apportionment method for the county shares")
    export.add_argument("--weights", type=Path, default=None,
                        help="county weights per column (CSV/.xlsx: adcode, table, column, weight)")
    short = sub.add_parser("shortlist", help="procurement shortlists for technical-school training lots (R12)")
    short.add_argument("scenario", nargs="?", type=Path, default=None, help="scenario YAML (default: defaults)")
    short.add_argument("--data", type=Path, default=None, help="data folder (overrides the scenario's)")
    short.add_argument("--out", type=Path, default=Path("shortlists"), help="output folder")
    short.add_argument("--lots", type=Path, default=None, help="lots table (CSV/.xlsx) instead of the allocation's")
    short.add_argument("--method", choices=("negotiation", "consultation"), default="consultation")
    short.add_argument("--split", choices=("prefecture_group", "prefecture_course", "county_group"),
                       default="prefecture_group", help="how the allocation is split into lots")
    short.add_argument("--price-weight", type=FlagNumber, default=0.30, help="consultation: price share (10%%–30%%)")
    short.add_argument("--weight", action="append", default=[], metavar="NAME=POINTS",
                       help="technical criterion points: capacity_margin, distance, teachers_per_class")
    short.add_argument("--capacity-share", type=FlagNumber, default=1.0,
                       help="share of a lot a school must be able to take (default 1.0)")
    short.add_argument("--min-suppliers", type=int, default=3)
    short.add_argument("--lot-date", type=_date, default=None, help="date of the lots, for debarments (R14)")
    comp = sub.add_parser("compare", help="compare two scenarios: key figures and the largest changes")
    comp.add_argument("a", type=Path, help="scenario A (YAML)")
    comp.add_argument("b", type=Path, help="scenario B (YAML)")
    comp.add_argument("--format", choices=("text", "json"), default="text")
    comp.add_argument("--out", type=Path, default=None, help="also write an Excel workbook")
    comp.add_argument("--top", type=int, default=10, help="differences shown per table in text output")
    sw = sub.add_parser("sweep", help="solve a scenario over a grid of settings (parallel, cached)")
    sw.add_argument("scenario", nargs="?", type=Path, default=None, help="scenario YAML (default: defaults)")
    sw.add_argument("--param", action="append", required=True, metavar="NAME=START:STOP:STEP",
                    help="setting to vary (repeat for a grid), e.g. cert_share=0.6:0.9:0.05")
    sw.add_argument("--data", type=Path, default=None)
    sw.add_argument("--out", type=Path, default=Path("sweep"), help="folder for sweep.csv and the plots")
    sw.add_argument("--workers", type=int, default=2, help="parallel processes (default 2)")
    sw.add_argument("--cache", type=Path, default=None, help="cache folder (default ~/.cache/yunnan-plan)")
    sw.add_argument("--no-cache", action="store_true", help="solve every point again")
    templates = sub.add_parser("templates", help="write blank input templates (CSV and .xlsx)")
    templates.add_argument("--out", type=Path, required=True)
    return parser


def console() -> int:
    """The ``yunnan-plan`` executable: `yunnan-plan … | head` ends quietly. (Not done in ``main``, which tests and
    other programs call in their own process.)"""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    return main()


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            return run_check(args.data, args.format)
        if args.command == "solve":
            return run_solve(args)
        if args.command == "export":
            return run_export(args)
        if args.command == "shortlist":
            return run_shortlist(args)
        if args.command == "compare":
            return run_compare(args)
        if args.command == "sweep":
            return run_sweep_command(args)
        if args.command == "templates":
            return run_templates(args.out)
    except OSError as exc:  # disk full, read-only folder …: nothing partial was left (writers stage, then move)
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        print(f"error: cannot write the output{where}: {exc.strerror or exc}; nothing was written", file=sys.stderr)
        return EXIT_OUTPUT_FAILED
    except InputError as exc:
        if getattr(args, "format", "text") == "json":
            print(json.dumps({"error": "bad input", "problems": [p.to_dict() for p in exc.problems]},
                             ensure_ascii=False, indent=2))
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def run_check(data: Path | None, fmt: str) -> int:
    from optimizer.data.check import check_plan_consistency, findings_to_json, findings_to_text
    from optimizer.data.loader import DEFAULT_DATA_DIR, load_plan

    plan = load_plan(data or DEFAULT_DATA_DIR)
    findings = check_plan_consistency(plan)
    if fmt == "json":
        print(findings_to_json(findings))
    else:
        for note in plan.notes:
            print(f"note: {note}")
        print(findings_to_text(findings))
    return EXIT_FINDINGS if findings else EXIT_OK


def run_templates(out: Path) -> int:
    from optimizer.data.templates import write_templates

    for path in write_templates(out):
        print(path)
    return EXIT_OK


def _date(text: str):
    import datetime as dt

    from optimizer.data.params import FIRST_DATE, LAST_DATE

    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise argparse.ArgumentTypeError(f"the date must lie between {FIRST_DATE} and {LAST_DATE}, got {text!r}")
    return day


# Settings a flag may override, and the flag that names it in messages.
SETTING_FLAGS = {"solver": "--solver", "time_limit": "--time-limit", "cert_share": "--cert-share"}


def _solve_scenario(args: argparse.Namespace, checks=(), problems=()):
    """Load the scenario and data, solve; returns (scenario, plan, problem, solution) or an exit status.

    ``checks`` read further files (weights, lots) and ``problems`` were found in the caller's own flags: all
    are reported together with the scenario's and the data's (``load_inputs``)."""
    from optimizer.data.scenario import load_inputs
    from optimizer.model.problem import build_problem
    from optimizer.model.solve import SolverUnavailable, allocate
    from optimizer.outputs.files import write_solution

    overrides = {k: getattr(args, k) for k in SETTING_FLAGS if getattr(args, k, None) is not None}
    scenario, plan, params = load_inputs(args.scenario, args.data, overrides, SETTING_FLAGS, checks, list(problems))
    problem = build_problem(plan, params)
    try:
        solution = allocate(problem)
    except SolverUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_SOLVER_FAILED
    if solution.status == "infeasible":
        write_solution(solution, args.out, {"scenario": scenario.name})
        print(f"INFEASIBLE: scenario '{scenario.name}' cannot be met. Diagnosis:")
        for line in solution.diagnosis.messages:
            print(f"  - {line}")
        print(f"(details in {args.out / 'diagnosis.json'})")
        return EXIT_INFEASIBLE
    if not solution.ok:
        print(f"error: {solution.summary.get('message', solution.status)}", file=sys.stderr)
        return EXIT_SOLVER_FAILED
    return scenario, plan, problem, solution


def run_export(args: argparse.Namespace) -> int:
    """Solve, verify, break down by county, write every workbook; exit as `solve` does."""
    import datetime as dt

    from optimizer.model.verify import verify
    from optimizer.outputs.breakdown import county_breakdown, load_county_weights
    from optimizer.outputs.workbook import export_workbooks

    loaded: dict[str, object] = {}

    def read_weights(plan, params) -> None:  # read with the scenario and the data, before solving
        loaded["weights"] = load_county_weights(args.weights, plan.counties)

    solved = _solve_scenario(args, [read_weights] if args.weights else [])
    if isinstance(solved, int):
        return solved
    scenario, plan, problem, solution = solved
    violations = verify(problem, solution)
    if violations:
        print(f"VERIFY FAILED: {len(violations)} violation(s); no workbook written", file=sys.stderr)
        return EXIT_SOLVER_FAILED
    weights = loaded.get("weights")
    breakdown = county_breakdown(plan, problem, solution, args.method, weights)
    as_of = args.as_of or dt.date.today()
    written = export_workbooks(args.out, breakdown, plan, scenario.name, problem.params, as_of)
    print(f"{len(written)} files written to {args.out}/ (scenario {scenario.name}, method {args.method}, "
          f"as of {as_of.isoformat()})")
    for note in (n for ns in breakdown.notes.values() for n in ns):
        print(f"  note: {note}")
    return EXIT_OK


def run_solve(args: argparse.Namespace) -> int:
    """Solve, verify, write; exit 0 solved and verified, 3 infeasible, 4 solver failure."""
    from optimizer.model.verify import verify
    from optimizer.outputs.files import write_solution

    solved = _solve_scenario(args)
    if isinstance(solved, int):
        return solved
    scenario, _, problem, solution = solved
    extra: dict[str, object] = {"scenario": scenario.name}
    violations = verify(problem, solution)
    extra["verified"] = not violations
    write_solution(solution, args.out, extra)
    s = solution.summary
    print(f"scenario {scenario.name}: {s['status']} with {s['solver']}; objective {s['objective']:,.0f} yuan "
          f"(LP bound {s['lp_bound']:,.0f}, gap {s['integer_gap']:.2e}, rounding: {s['rounding']['method']})")
    for term, value in s["objective_terms"].items():
        print(f"  {term:<7} {value:>16,.0f}")
    print("  certificate share: " + ", ".join(f"{u} {v:.1%}" for u, v in s["certificate_share"].items()))
    print("  seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in s["seconds"].items()))
    if violations:
        print(f"VERIFY FAILED: {len(violations)} violation(s)", file=sys.stderr)
        for v in violations[:20]:
            print(f"  - {v}", file=sys.stderr)
        return EXIT_SOLVER_FAILED
    print(f"verify: no violation. Tables written to {args.out}/")
    return EXIT_OK


SHORTLIST_FLAGS = {"price_weight": "--price-weight", "technical_weights": "--weight",
                   "capacity_share": "--capacity-share", "min_suppliers": "--min-suppliers", "lot_date": "--lot-date"}
MAX_MIN_SUPPLIERS = 1000


def shortlist_params(args: argparse.Namespace):
    """ShortlistParams from the command line; a bad value is bad input (exit 2) named by its flag and value."""
    import math

    from pydantic import ValidationError

    from optimizer.errors import Problem
    from optimizer.messages import msg
    from optimizer.procurement.shortlist import ShortlistParams

    fields: dict[str, object] = {"method": args.method, "split": args.split, "price_weight": args.price_weight,
                                 "capacity_share": args.capacity_share, "min_suppliers": args.min_suppliers}
    problems = [Problem(f"--{k.replace('_', '-')} {v}", None, None, str(v), msg("limits.not_finite"))
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
                problems.append(Problem(f"--weight {item}", None, name, item, "expected NAME=POINTS"))
                continue
            if not math.isfinite(weights[name.strip()]):
                problems.append(Problem(f"--weight {item}", None, name, item, msg("limits.not_finite")))
        fields["technical_weights"] = weights
    if args.lot_date:
        fields["lot_date"] = args.lot_date
    if problems:
        raise InputError(problems)
    try:
        return ShortlistParams(**fields)
    except ValidationError as exc:
        raise InputError([_shortlist_problem(args, e) for e in exc.errors()]) from None


def _shortlist_problem(args: argparse.Namespace, err: dict):
    """A ShortlistParams error blamed on the flag (or flags) that gave the value."""
    from optimizer.errors import Problem

    key = str(err["loc"][0]) if err["loc"] else ""
    if key in SHORTLIST_FLAGS:
        value = " ".join(args.weight) if key == "technical_weights" else getattr(args, key)
        where = f"{SHORTLIST_FLAGS[key]} {value}"
    else:  # a rule about the weights together
        where = f"--price-weight {args.price_weight}" + (f" --weight {' --weight '.join(args.weight)}"
                                                          if args.weight else "")
    return Problem(where, None, None, None, err["msg"].removeprefix("Value error, "))


def run_shortlist(args: argparse.Namespace) -> int:
    """Solve, then shortlist schools for every lot; writes Excel and CSV."""
    from optimizer.procurement.shortlist import load_lots, shortlist, write_shortlists

    try:
        params, flag_problems = shortlist_params(args), []
    except InputError as exc:  # reported with the scenario's and the data's problems
        params, flag_problems = None, exc.problems
    solved = _solve_scenario(args, problems=flag_problems)
    if isinstance(solved, int):
        return solved
    _, _, problem, solution = solved
    lots = load_lots(args.lots, problem, params) if args.lots else None
    result = shortlist(problem, solution, params, lots)
    write_shortlists(result, args.out)
    flagged = result.summary[result.summary["flag"] != ""]
    print(f"{len(result.lots)} lots; {len(flagged)} with fewer than {params.min_suppliers} eligible schools; "
          f"written to {args.out}/")
    for r in flagged.head(15).itertuples():
        print(f"  {r.lot:<28} {r.area} {r.group} {r.trainees:>6,}: {r.eligible} eligible")
    if len(flagged) > 15:
        print(f"  … and {len(flagged) - 15} more (shortlist_summary.csv)")
    return EXIT_OK


def solve_scenario_file(path: Path | None, data: Path | None = None):
    """(scenario, plan, problem, solution) for a scenario file; infeasible ones come back as such."""
    from optimizer.data.loader import load_plan
    from optimizer.data.scenario import default_scenario, load_scenario
    from optimizer.model.problem import build_problem
    from optimizer.model.solve import allocate

    scenario = load_scenario(path) if path else default_scenario()
    plan, params = scenario.apply(load_plan(data or scenario.data_dir))
    problem = build_problem(plan, params)
    return scenario, plan, problem, allocate(problem)


def check_scenario_files(paths: list[Path]) -> None:
    """Read every scenario file (and its data) before solving any: the problems of all are listed at once."""
    from optimizer.data.scenario import load_inputs

    problems, seen = [], set()
    for path in paths:
        try:
            load_inputs(path)
        except InputError as exc:
            for p in exc.problems:
                if str(p) not in seen:  # two scenarios on the same data: its problems once
                    seen.add(str(p))
                    problems.append(p)
    if problems:
        raise InputError(problems)


def run_compare(args: argparse.Namespace) -> int:
    from optimizer.analysis.compare import compare, comparison_text, write_comparison_xlsx

    check_scenario_files([args.a, args.b])
    sa, _, pa, sol_a = solve_scenario_file(args.a)
    sb, _, pb, sol_b = solve_scenario_file(args.b)
    result = compare((sa.name, pa, sol_a), (sb.name, pb, sol_b))
    print(result.to_json() if args.format == "json" else comparison_text(result, args.top))
    if args.out:
        write_comparison_xlsx(result, args.out)
    return EXIT_OK


def run_sweep_command(args: argparse.Namespace) -> int:
    """Solve every grid point; write sweep.csv and one plot per figure."""
    from optimizer.analysis.sweep import DEFAULT_CACHE, parse_param, plot_sweep, run_sweep, sweep_table
    from optimizer.outputs.files import write_csv

    params = [parse_param(p) for p in args.param]
    cache = None if args.no_cache else (args.cache or DEFAULT_CACHE)
    results = run_sweep(args.scenario, params, args.data, args.workers, cache)
    table = sweep_table(results)
    args.out.mkdir(parents=True, exist_ok=True)
    write_csv(table, args.out / "sweep.csv")
    plots = plot_sweep(table, params, args.out)
    shown = [n for n, _ in params] + ["status", "cached", "objective", "min_cert_share", "capacity_utilisation"]
    print(table[shown].to_string(index=False))
    print(f"{len(table)} points ({int(table['cached'].sum())} from the cache, "
          f"{int((table['status'] != 'optimal').sum())} not optimal); sweep.csv and {len(plots)} plots in {args.out}/")
    return EXIT_OK
