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
    solve.add_argument("--time-limit", type=float, default=None, help="seconds per solver call")
    solve.add_argument("--cert-share", type=float, default=None, help="R1 share ρ (default 0.60)")
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
    short.add_argument("--price-weight", type=float, default=0.30, help="consultation: price share (10%%–30%%)")
    short.add_argument("--weight", action="append", default=[], metavar="NAME=POINTS",
                       help="technical criterion points: capacity_margin, distance, teachers_per_class")
    short.add_argument("--capacity-share", type=float, default=1.0,
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
    _add_tracking_commands(sub)  # issue 18: progress, replan, runs
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
            return _recorded(args, run_solve(args))
        if args.command == "export":
            return _recorded(args, run_export(args))
        if args.command == "shortlist":
            return _recorded(args, run_shortlist(args))
        if args.command in ("progress", "replan", "runs"):
            return run_tracking(args)
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

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def _solve_scenario(args: argparse.Namespace):
    """Load the scenario and data, solve; returns (scenario, plan, problem, solution) or an exit status."""
    from optimizer.data.loader import load_plan
    from optimizer.data.scenario import default_scenario, load_scenario
    from optimizer.model.problem import build_problem
    from optimizer.model.solve import SolverUnavailable, allocate
    from optimizer.outputs.files import write_solution

    scenario = load_scenario(args.scenario) if args.scenario else default_scenario()
    overrides = {k: v for k, v in (("solver", getattr(args, "solver", None)),
                                   ("time_limit", getattr(args, "time_limit", None)),
                                   ("cert_share", getattr(args, "cert_share", None))) if v is not None}
    plan, params = scenario.apply(load_plan(args.data or scenario.data_dir), overrides)
    problem = build_problem(plan, params)
    try:
        solution = allocate(problem)
    except SolverUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_SOLVER_FAILED
    args.recorded = _run_facts(plan, params, solution)  # issue 18: what the plan store keeps of this run
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

    solved = _solve_scenario(args)
    if isinstance(solved, int):
        return solved
    scenario, plan, problem, solution = solved
    violations = verify(problem, solution)
    if violations:
        print(f"VERIFY FAILED: {len(violations)} violation(s); no workbook written", file=sys.stderr)
        return EXIT_SOLVER_FAILED
    weights = load_county_weights(args.weights, plan.counties) if args.weights else None
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


def shortlist_params(args: argparse.Namespace):
    """ShortlistParams from the command line; bad weights are bad input (exit 2)."""
    from pydantic import ValidationError

    from optimizer.errors import Problem
    from optimizer.procurement.shortlist import ShortlistParams

    fields: dict[str, object] = {"method": args.method, "split": args.split, "price_weight": args.price_weight,
                                 "capacity_share": args.capacity_share, "min_suppliers": args.min_suppliers}
    if args.weight:
        weights = {}
        for item in args.weight:
            name, _, value = item.partition("=")
            try:
                weights[name.strip()] = float(value)
            except ValueError:
                raise InputError([Problem("--weight", None, name, item, "expected NAME=POINTS")]) from None
        fields["technical_weights"] = weights
    if args.lot_date:
        fields["lot_date"] = args.lot_date
    try:
        return ShortlistParams(**fields)
    except ValidationError as exc:
        raise InputError([Problem("shortlist settings", None, ".".join(map(str, e["loc"])) or None,
                                  None, e["msg"].removeprefix("Value error, ")) for e in exc.errors()]) from None


def run_shortlist(args: argparse.Namespace) -> int:
    """Solve, then shortlist schools for every lot; writes Excel and CSV."""
    from optimizer.procurement.shortlist import load_lots, shortlist, write_shortlists

    params = shortlist_params(args)
    solved = _solve_scenario(args)
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


def run_compare(args: argparse.Namespace) -> int:
    from optimizer.analysis.compare import compare, comparison_text, write_comparison_xlsx

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


# -- issue 18: progress, replan, runs; recording runs in the plan store -----------------------------------------

def _add_tracking_commands(sub) -> None:
    """The tracking commands' arguments (issue 18)."""
    prog = sub.add_parser("progress", help="actual training against the plan; R18 top five; overdue subsidy claims")
    prog.add_argument("actuals", type=Path, help="actual training records (CSV/.xlsx, `templates` has a blank one)")
    prog.add_argument("scenario", nargs="?", type=Path, default=None, help="scenario YAML of the plan")
    prog.add_argument("--as-of", type=_date, required=True, help="date the records stand at (YYYY-MM-DD)")
    prog.add_argument("--out", type=Path, default=Path("progress"), help="output folder (default: progress/)")
    prog.add_argument("--data", type=Path, default=None, help="data folder (overrides the scenario's)")
    prog.add_argument("--lag-threshold", type=float, default=None,
                      help="lagging below this share of the elapsed year's pace (default 0.8)")
    rep = sub.add_parser("replan", help="re-plan the rest of the year keeping what is done")
    rep.add_argument("actuals", type=Path, help="actual training records (CSV/.xlsx)")
    rep.add_argument("scenario", nargs="?", type=Path, default=None, help="scenario YAML of the plan")
    rep.add_argument("--as-of", type=_date, required=True, help="date the records stand at (YYYY-MM-DD)")
    rep.add_argument("--out", type=Path, default=Path("replan"), help="output folder (default: replan/)")
    rep.add_argument("--data", type=Path, default=None, help="data folder (overrides the scenario's)")
    rep.add_argument("--solver", choices=("highs", "cbc"), default=None)
    rep.add_argument("--time-limit", type=float, default=None, help="seconds per solver call")
    runs = sub.add_parser("runs", help="the plan store: recorded runs (list, show, diff, submit)")
    rsub = runs.add_subparsers(dest="runs_command", required=True)
    rl = rsub.add_parser("list", help="recorded runs, newest first")
    rl.add_argument("--command", dest="of_command", default=None, help="only runs of this command")
    rl.add_argument("--limit", type=int, default=50)
    rl.add_argument("--format", choices=("text", "json"), default="text")
    rs = rsub.add_parser("show", help="one run: settings, key figures, files, linked runs")
    rs.add_argument("id", type=int)
    rs.add_argument("--format", choices=("text", "json"), default="text")
    rd = rsub.add_parser("diff", help="what differs between two runs")
    rd.add_argument("a", type=int)
    rd.add_argument("b", type=int)
    rd.add_argument("--format", choices=("text", "json"), default="text")
    rm = rsub.add_parser("submit", help="mark an export run as submitted to the province")
    rm.add_argument("id", type=int)


def _run_facts(plan, params, solution) -> dict:
    """Input id and key figures of a solved run, for the plan store."""
    from optimizer.data.scenario import scenario_hash

    s = solution.summary
    figures = {k: s[k] for k in ("objective", "objective_terms", "lp_bound", "integer_gap", "certificate_share",
                                 "trainee_km") if k in s}
    return {"input_id": scenario_hash(plan, params), "status": solution.status, "key_figures": figures}


def _settings(args: argparse.Namespace) -> dict:
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
            if k not in ("command", "recorded") and v is not None}


def _recorded(args: argparse.Namespace, code: int) -> int:
    """Record a finished solve / export / shortlist in the plan store; never changes the exit status."""
    from optimizer.store import record_run

    facts = getattr(args, "recorded", None)
    if facts is None or code not in (EXIT_OK, EXIT_INFEASIBLE, EXIT_SOLVER_FAILED):
        return code
    status = facts["status"] if code != EXIT_SOLVER_FAILED or facts["status"] != "optimal" else "verify_failed"
    out = getattr(args, "out", None)
    record_run(args.command, facts["input_id"], _settings(args), status, facts["key_figures"],
               [out] if out is not None and out.exists() else [])
    return code


def run_tracking(args: argparse.Namespace) -> int:
    if args.command == "progress":
        return run_progress(args)
    if args.command == "replan":
        return run_replan(args)
    return run_runs(args)


def _plan_and_records(args: argparse.Namespace):
    """Scenario, plan, problem, original solution and the validated records; or an exit status."""
    from optimizer.data.actuals import load_actuals

    args.solver = getattr(args, "solver", None)
    args.time_limit = getattr(args, "time_limit", None)
    args.cert_share = None
    solved = _solve_scenario(argparse.Namespace(**{**vars(args), "out": args.out}))
    if isinstance(solved, int):
        return solved
    scenario, plan, problem, solution = solved
    records = load_actuals(args.actuals, plan, args.as_of, year=args.as_of.year)
    return scenario, plan, problem, solution, records


def run_progress(args: argparse.Namespace) -> int:
    """Progress tables, R18 top five, overdue claims and the tracking report workbooks."""
    from optimizer.data.scenario import scenario_hash
    from optimizer.messages import msg
    from optimizer.messages.numbers import persons, share
    from optimizer.outputs.breakdown import county_breakdown
    from optimizer.store import record_run
    from optimizer.tracking.progress import DEFAULT_LAG_THRESHOLD, progress
    from optimizer.tracking.report import progress_files, write_outputs

    loaded = _plan_and_records(args)
    if isinstance(loaded, int):
        return loaded
    scenario, plan, problem, solution, records = loaded
    threshold = args.lag_threshold if args.lag_threshold is not None else DEFAULT_LAG_THRESHOLD
    breakdown = county_breakdown(plan, problem, solution)
    p = progress(plan, problem, breakdown, records, args.as_of, threshold)
    input_id = scenario_hash(plan, problem.params)
    written = write_outputs(args.out, progress_files(plan, problem, breakdown, records, p, scenario.name, input_id,
                                                     threshold))
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
    record_run("progress", input_id, _settings(args), "ok", figures, written)
    return EXIT_OK


def run_replan(args: argparse.Namespace) -> int:
    """Re-plan the rest of the year: solve's tables plus changes.csv; exit as `solve` does."""
    from optimizer.data.scenario import scenario_hash
    from optimizer.messages import msg
    from optimizer.messages.numbers import persons
    from optimizer.outputs.files import write_csv, write_solution
    from optimizer.store import record_run
    from optimizer.tracking.replan import replan, verify_replan

    loaded = _plan_and_records(args)
    if isinstance(loaded, int):
        return loaded
    scenario, plan, problem, solution, records = loaded
    result = replan(problem, solution, records, args.as_of)
    new = result.solution
    input_id = scenario_hash(plan, problem.params)
    if new.status == "infeasible":
        write_solution(new, args.out, {"scenario": scenario.name, "as_of": args.as_of.isoformat()})
        print(msg("track.replan_infeasible", as_of=args.as_of.isoformat()))
        for line in new.diagnosis.messages:
            print(f"  - {line}")
        record_run("replan", input_id, _settings(args), "infeasible", {"messages": new.diagnosis.messages[:5]},
                   [args.out])
        return EXIT_INFEASIBLE
    if not new.ok:
        print(f"error: {new.summary.get('message', new.status)}", file=sys.stderr)
        return EXIT_SOLVER_FAILED
    problems = verify_replan(result.problem, new) + result.mismatches + result.dropped
    kept = int(result.classified.school_in["trainees"].sum() + result.classified.unit_in["trainees"].sum())
    extra = {"scenario": scenario.name, "as_of": args.as_of.isoformat(), "verified": not problems,
             "kept_trainees": kept, "annex_totals_exact": not result.mismatches,
             "outside_plan_trainees": int(result.classified.other["trainees"].sum()
                                          + result.classified.school_out["trainees"].sum()
                                          + result.classified.unit_out["trainees"].sum())}
    written = write_solution(new, args.out, extra)
    write_csv(result.changes, args.out / "changes.csv")
    written.append(args.out / "changes.csv")
    figures = {"objective": new.summary["objective"], "original_objective": solution.summary["objective"],
               "kept_trainees": kept, "changes": len(result.changes), "verified": not problems}
    if problems:
        print(f"VERIFY FAILED: {len(problems)} problem(s)", file=sys.stderr)
        for line in problems[:20]:
            print(f"  - {line}", file=sys.stderr)
        record_run("replan", input_id, _settings(args), "verify_failed", figures, written)
        return EXIT_SOLVER_FAILED
    print(msg("track.replan_done", as_of=args.as_of.isoformat(), kept=persons(kept), changed=len(result.changes),
              out=args.out))
    for r in result.changes.head(10).itertuples():
        print(f"  {r.level:<11} {r.programme:<6} {r.name:<16} {r.original:>8,} → {r.replanned:>8,} ({r.change:+,})")
    record_run("replan", input_id, _settings(args), "optimal", figures, written)
    return EXIT_OK


def run_runs(args: argparse.Namespace) -> int:
    """runs list | show ID | diff A B | submit ID."""
    from optimizer.messages import msg
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
            mark = f" submitted {r.submitted}" if r.submitted else ""
            link = f" ← #{r.parent_id}" if r.parent_id else ""
            print(f"#{r.id:<5} {r.created}  {r.command:<9} {r.status:<13} {r.input_id or '-':<16}{mark}{link}")
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
        for k in ("id", "command", "status", "input_id", "created", "submitted", "parent_id"):
            print(f"{k:<12} {data[k]}")
        print("settings    " + json.dumps(data["settings"], ensure_ascii=False))
        print("key figures " + json.dumps(data["key_figures"], ensure_ascii=False))
        for o in data["outputs"]:
            print(f"  {o['name']:<36} {o['bytes']:>10,} B  {o['sha256'][:12]}")
        for r in data["linked"]:
            print(f"  linked: #{r['id']} {r['command']} {r['status']} {r['created']}")
        return EXIT_OK
    d = diff_runs(*views)
    if fmt == "json":
        print(json.dumps(d, ensure_ascii=False, indent=2, default=str))
        return EXIT_OK
    print(f"A #{d['a']['id']} {d['a']['command']} {d['a']['created']}   B #{d['b']['id']} {d['b']['command']} "
          f"{d['b']['created']}   same inputs: {d['same_inputs']}")
    for section in ("settings", "key_figures"):
        print(f"{section}:" + ("" if d[section] else " no difference"))
        for row in d[section]:
            tail = f"  ({row['difference']:+,})" if "difference" in row else ""
            print(f"  {row['key']:<40} {row['a']!s:>18} → {row['b']!s:<18}{tail}")
    print(f"files: {d['files_same']} identical" + "".join(
        f"\n  {f['name']}: A {f['a']}, B {f['b']}, content differs" for f in d["files"]))
    return EXIT_OK
