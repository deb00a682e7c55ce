"""Benchmark: seconds and peak memory per stage of the province instance; prints a table.

    python benchmarks/run.py [--quick] [--solver highs|cbc|both] [--repeat N]

Stages: load (read + validate data/), build (PuLP model), solve (LP), round (whole persons), verify,
export (write the tables), end_to_end (`yunnan-plan solve` as a separate process), raw_highs (the same
LP written once to MPS and solved by highspy alone: the floor our pipeline is compared with).
Writes benchmarks/results.json. Peak RSS is the process's high-water mark after the stage.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_mb(children: bool = False) -> float:
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def run_province(solver: str) -> list[dict]:
    from optimizer.loader import load_plan
    from optimizer.model import AllocationModel
    from optimizer.output import write_solution
    from optimizer.params import ModelParams
    from optimizer.problem import build_problem
    from optimizer.solve import allocate
    from optimizer.verify import verify

    records = []

    def record(stage: str, seconds: float, variables: int = 0, constraints: int = 0) -> None:
        records.append({"instance": "province", "solver": solver, "stage": stage, "seconds": round(seconds, 4),
                        "peak_rss_mb": round(peak_mb(), 1), "variables": variables, "constraints": constraints})

    t = time.perf_counter()
    plan = load_plan()
    record("load", time.perf_counter() - t)
    problem = build_problem(plan, ModelParams(solver=solver))
    solution = allocate(problem)
    secs = solution.summary["seconds"]
    n_vars = sum(solution.summary["variables"].values())
    model = AllocationModel(problem)
    n_rows = len(model.lp.constraints)
    record("build", secs["build"], n_vars, n_rows)
    record("solve", secs["solve_lp"], n_vars, n_rows)
    record("round", secs["round"], solution.summary["rounding"]["fractional_variables"])
    t = time.perf_counter()
    violations = verify(problem, solution)
    record("verify", time.perf_counter() - t)
    assert not violations, violations[:3]
    with tempfile.TemporaryDirectory() as out:
        t = time.perf_counter()
        write_solution(solution, Path(out))
        record("export", time.perf_counter() - t)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "optimizer", "solve", "--solver", solver, "--out", out],
                       check=True, capture_output=True, cwd=ROOT)
        records.append({"instance": "province", "solver": solver, "stage": "end_to_end",
                        "seconds": round(time.perf_counter() - t, 4), "peak_rss_mb": round(peak_mb(True), 1),
                        "variables": n_vars, "constraints": n_rows})
        if solver == "highs":
            import highspy

            mps = Path(out) / "province.mps"
            model.lp.writeMPS(str(mps))
            h = highspy.Highs()
            h.setOptionValue("output_flag", False)
            h.readModel(str(mps))
            t = time.perf_counter()
            h.run()
            raw = time.perf_counter() - t
            assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
            assert abs(h.getInfo().objective_function_value - solution.summary["lp_bound"]) <= 1e-6 * abs(
                solution.summary["lp_bound"]) + 1e-2
            record("raw_highs", raw, n_vars, n_rows)
    return records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="province only, one repeat (CI smoke step)")
    parser.add_argument("--solver", choices=("highs", "cbc", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    solvers = ["highs", "cbc"] if args.solver == "both" else [args.solver]
    repeat = 1 if args.quick else args.repeat
    runs: list[dict] = []
    for _ in range(repeat):
        for solver in solvers:
            runs += run_province(solver)
    # median per (instance, solver, stage)
    keys = sorted({(r["instance"], r["solver"], r["stage"]) for r in runs},
                  key=lambda k: (k[0], k[1], STAGES.index(k[2])))
    table = []
    for inst, solver, stage in keys:
        rows = [r for r in runs if (r["instance"], r["solver"], r["stage"]) == (inst, solver, stage)]
        table.append({**rows[0], "seconds": round(statistics.median(r["seconds"] for r in rows), 4),
                      "peak_rss_mb": max(r["peak_rss_mb"] for r in rows), "repeats": len(rows)})
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"{platform.system()}; median of {repeat} run(s)")
    print(f"{'instance':<10} {'solver':<6} {'stage':<11} {'seconds':>8} {'peak MB':>8} {'vars':>7} {'rows':>6}")
    for r in table:
        print(f"{r['instance']:<10} {r['solver']:<6} {r['stage']:<11} {r['seconds']:>8.3f} {r['peak_rss_mb']:>8.0f} "
              f"{r['variables']:>7} {r['constraints']:>6}")
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
    return 0


STAGES = ["load", "build", "solve", "round", "verify", "export", "end_to_end", "raw_highs"]

if __name__ == "__main__":
    sys.exit(main())
