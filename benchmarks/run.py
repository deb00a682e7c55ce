"""Benchmark: seconds and peak memory per stage, for the province and for synthetic country-scale instances.

    python benchmarks/run.py            # province, workspace, sweeps (processes, dask), country-1/4/16/31
    python benchmarks/run.py --quick    # the province stages with ui_resolve and procurement_filter (CI smoke)
    python benchmarks/run.py --parts sweeps --series 31   # one part at a time, when the shared machine is quiet

Prints a table and writes benchmarks/results.json: records of instance, stage, seconds, peak_rss_mb,
variables, constraints. Stages: load (read + validate), build (PuLP model; for a decomposed instance the sum
over its blocks), solve (LP; decomposed: the wall time of the parallel block solves), round, verify, export
(write the result tables), end_to_end (`yunnan-plan solve` as a separate process, Python start-up included),
raw_highs (the same LP written once to MPS and solved by highspy alone: the floor), start_imports (Python's start
and the imports a solve needs, as a separate process: with raw_highs, what end_to_end cannot go below).
Where people wait: ui_resolve (one setting changed on a solved scenario, through the workspace's own cached path,
ui/state.py), ui_resolve_lp_hot (the same change as a hot-started LP re-solve, model/resolve.py: the LP alone),
resolve_cert and resolve_weights (the change through pipeline.run_scenario's ModelStore, with the median of each stage:
where a re-solve's time goes),
procurement_filter (one filter click on the procurement page), sweep_11 (11 points, empty cache, local
processes), sweep_11_dask (the same grid on a LocalCluster started for it), sweep_11_warm (the same grid, no
cache, on a running dask cluster whose workers have solved before), sweep_11_cached. Every stage is the median
of three runs (end_to_end and the sweeps included; a single sub-second measurement is noisy). Peak RSS is the
high-water mark of this process after the stage (of the largest child process for end_to_end; tree_peak_rss_mb
is the command's whole process tree, main and workers summed, sampled every 0.2 s: the memory target). Each target is
printed beside its measured value; a miss says by how much. The committed benchmarks/results.json is refreshed
by hand with a full run; CI and --quick write test-artifacts/benchmarks.json; a run of some --parts writes
benchmarks/results-<parts>.json. Every record carries the 1-minute load average when it was taken (load_avg):
the machine is shared, and a figure measured at load 4 on 2 cores is not one measured at load 0.5.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 3  # runs of each in-process stage; the median is reported
sys.path.insert(0, str(ROOT))

TARGETS = {  # (instance, stage) → (limit, unit, what); issue 19's targets
    ("province", "end_to_end"): (1.5, "s", "province baseline, `yunnan-plan solve` end to end (≤ 3 s at worst)"),
    ("province", "solve/raw"): (1.2, "x", "solve stage vs raw highspy on the same LP"),
    ("province", "ui_resolve"): (0.5, "s", "workspace re-solve after one setting change"),
    ("province", "procurement_filter"): (0.3, "s", "procurement page: one filter click"),
    ("province", "sweep_11_warm"): (4.0, "s", "11-point sweep on warm workers, no cache"),
    ("country-31", "end_to_end"): (30.0, "s", "country scale end to end"),
    ("country-31", "end_to_end_rss"): (1536.0, "MB", "country scale peak memory"),
    ("province", "shortlist"): (0.5, "s", "shortlist stage (lots, qualification, methods, scores)"),
}
SWEEP_GRID = "cert_share=0.6:0.7:0.01"  # 11 points


def load_avg() -> float:
    """The 1-minute load average when a figure is taken (the machine is shared: wall times grow with it)."""
    return round(os.getloadavg()[0], 2)


def peak_mb(children: bool = False) -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF).ru_maxrss / 1024


def raw_highs_seconds(model) -> float:
    """The model's LP written to MPS once and solved by highspy alone."""
    import highspy

    with tempfile.TemporaryDirectory() as tmp:
        mps = Path(tmp) / "model.mps"
        model.lp.writeMPS(str(mps))
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.readModel(str(mps))
        t = time.perf_counter()
        h.run()
        seconds = time.perf_counter() - t
        assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return seconds


def start_import_seconds(scenario: Path) -> list[float]:
    """Python's start and the imports of every optimizer module a `solve` loads (with pandas, PuLP, highspy,
    pydantic …), as a separate process: with raw_highs, the part of end_to_end that no change to our own stages
    can remove. The plan store is left out: the command imports it on a thread while HiGHS solves."""
    probe = ("import sys, json\nfrom optimizer.cli import main\n"
             f"main(['solve', {str(scenario)!r}, '--out', sys.argv[1]])\n"
             "print(json.dumps(sorted(m for m in sys.modules if m.startswith('optimizer')"
             " and not m.startswith('optimizer.store'))))")
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run([sys.executable, "-c", probe, str(Path(tmp) / "out")], capture_output=True, text=True,
                              check=True, cwd=ROOT)
    code = "import highspy, " + ", ".join(json.loads(done.stdout.strip().splitlines()[-1]))
    seconds = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        seconds.append(time.perf_counter() - t)
    return seconds


def _tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants now (Linux /proc), in MB."""
    parent: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parent[int(stat.parent.name)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        kids = [p for p, pp in parent.items() if pp in frontier and p not in tree]
        tree.update(kids)
        frontier = kids
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def run_sampling_tree_rss(cmd: list[str]) -> float | None:
    """Run ``cmd`` to completion; the peak of its process tree's summed resident memory (sampled every 0.2 s), or
    None where /proc is missing. The country target (≤ 1.5 GB) is for the whole command: the main process and its
    block workers at once, which the largest single child's high-water mark understates."""
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = None
    while proc.poll() is None:
        if Path("/proc").is_dir():
            peak = max(peak or 0.0, _tree_rss_mb(proc.pid))
        time.sleep(0.2)
    _, err = proc.communicate()
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, cmd, stderr=err)
    return peak


def run_instance(name: str, data: Path | None, raw: bool = True) -> list[dict]:
    """Stages of the one pipeline (``run_scenario``), medians of REPEATS runs; then the command end to end."""
    from optimizer.model.lp import AllocationModel
    from optimizer.outputs.files import add_solution
    from optimizer.outputs.writer import OutputSet
    from optimizer.pipeline import run_scenario

    rec: list[dict] = []

    def add(stage: str, seconds: float, variables: int = 0, constraints: int = 0, children: bool = False) -> None:
        rec.append({"instance": name, "stage": stage, "seconds": round(seconds, 3),
                    "peak_rss_mb": round(peak_mb(children), 1), "variables": variables, "constraints": constraints,
                    "load_avg": load_avg()})

    scenario = ROOT / "scenarios" / "baseline.yaml"
    runs = []
    for _ in range(REPEATS):  # the median of a few runs: one run of a sub-second stage is noisy
        t = time.perf_counter()
        result = run_scenario(scenario, data=data)
        runs.append((time.perf_counter() - t, result))
    assert result.ok, result.status

    def median_of(*keys: str) -> float:
        return statistics.median(next((r.timings[k] for k in keys if k in r.timings), 0.0) for _, r in runs)

    s = result.solution.summary
    n_vars = sum(s["variables"].values())
    add("load", median_of("load") + median_of("apply"))
    add("build", median_of("problem") + median_of("build"), n_vars)
    add("solve", median_of("wall", "solve_lp") if s.get("blocks") else median_of("solve_lp"), n_vars)
    add("round", median_of("round"), s["rounding"]["fractional_variables"])
    add("verify", median_of("verify"))
    with tempfile.TemporaryDirectory() as out:
        t = time.perf_counter()
        outputs = OutputSet(Path(out) / "bench", "solve", result.input_id)
        add_solution(outputs, result.solution, result.summary(), result.timings)
        outputs.commit()
        add("export", time.perf_counter() - t)
        walls, cpus, tree_peaks = [], [], []
        for n in range(REPEATS):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            cmd = [sys.executable, "-m", "optimizer", "solve", str(scenario), "--out", str(Path(out) / f"cli{n}")]
            if data:
                cmd += ["--data", str(data)]
            t = time.perf_counter()
            tree_peaks.append(run_sampling_tree_rss(cmd))
            walls.append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        add("end_to_end", statistics.median(walls), n_vars, children=True)
        rec[-1]["cpu_seconds"] = round(statistics.median(cpus), 3)
        if all(p is not None for p in tree_peaks):  # the command and its worker processes together
            rec[-1]["tree_peak_rss_mb"] = round(max(tree_peaks), 1)
    if raw:
        model = AllocationModel(result.problem)
        add("raw_highs", statistics.median(raw_highs_seconds(model) for _ in range(REPEATS)), n_vars,
            len(model.lp.constraints))
    if name == "province":
        add("start_imports", statistics.median(start_import_seconds(scenario)))
    if name == "province":
        rec += run_shortlist(result.problem, result.solution)
    rec.append({"instance": name, "stage": "allocate_wall", "seconds": round(statistics.median(w for w, _ in runs), 3),
                "peak_rss_mb": round(peak_mb(), 1), "variables": n_vars, "constraints": 0, "load_avg": load_avg()})
    return rec


def run_shortlist(problem, solution) -> list[dict]:
    """The procurement stages after the solve: shortlist, award simulation, one workspace filter (medians)."""
    from optimizer.procurement.awards import reserved_classes, simulate_awards
    from optimizer.procurement.shortlist import shortlist

    def median_seconds(fn) -> tuple[float, object]:
        runs = []
        for _ in range(REPEATS):
            t = time.perf_counter()
            out = fn()
            runs.append(time.perf_counter() - t)
        return statistics.median(runs), out

    sec, result = median_seconds(lambda: shortlist(problem, solution))
    award_sec, _ = median_seconds(lambda: simulate_awards(result, reserved_classes(result, solution)))
    areas = sorted(result.summary["area"].unique())[:3]
    filter_sec, _ = median_seconds(lambda: procurement_filter(result, areas, (), True))
    return [{"instance": "province", "stage": stage, "seconds": round(v, 4), "peak_rss_mb": round(peak_mb(), 1),
             "variables": 0, "constraints": 0, "load_avg": load_avg()}
            for stage, v in (("shortlist", sec), ("awards", award_sec), ("procurement_filter", filter_sec))]


def procurement_filter(result, areas, groups, only_exceptions: bool):
    """One filter click on the procurement page: the workspace keeps the shortlist per run and settings and
    filters its summary (issue 14's ``filter_summary``). Repoint here if the page's path changes."""
    from optimizer.procurement.shortlist import filter_summary

    return filter_summary(result.summary, areas, groups, only_exceptions)


def record(stage: str, seconds: list[float], children: bool = False, instance: str = "province",
           cpu: list[float] | None = None) -> dict:
    """One benchmark record: the median of ``seconds`` (and of ``cpu``, this process's CPU seconds, which a
    loaded machine inflates far less than wall time)."""
    out = {"instance": instance, "stage": stage, "seconds": round(statistics.median(seconds), 3),
           "peak_rss_mb": round(peak_mb(children), 1), "variables": 0, "constraints": 0, "load_avg": load_avg()}
    if cpu:
        out["cpu_seconds"] = round(statistics.median(cpu), 3)
    return out


class Timed(list):
    """Seconds of REPEATS calls of ``fn(n)`` (n = 0, 1, …: each call may vary its input to miss caches);
    ``.cpu`` holds this process's CPU seconds of each call."""

    def __init__(self, fn):
        super().__init__()
        self.cpu = []
        for n in range(REPEATS):
            t, c = time.perf_counter(), time.process_time()
            fn(n)
            self.append(time.perf_counter() - t)
            self.cpu.append(time.process_time() - c)


def run_workspace() -> list[dict]:
    """Where a workspace user waits: a setting change on a solved scenario (the procurement filter click is
    measured with the shortlist, run_shortlist)."""
    from optimizer.pipeline import ModelStore, run_scenario
    from optimizer.ui.state import shipped_source, solve_now

    source = shipped_source()
    base = solve_now("baseline.yaml", source, "{}")  # the scenario the user is looking at: solved and cached
    assert base.solution is not None and base.solution.ok
    runs = Timed(lambda n: solve_now("baseline.yaml", source, json.dumps({"cert_share": 0.65 + 0.05 * n})))
    rec = [record("ui_resolve", runs, cpu=runs.cpu)]
    rec.append(record("ui_resolve_lp_hot", lp_hot_resolve_seconds(base.problem)))
    # the same change through the pipeline's store, stage by stage (where the re-solve's time goes), and a weight
    # change (objective coefficients: more pivots from the anchor's basis than a bound change)
    scenario = ROOT / "scenarios" / "baseline.yaml"
    store = ModelStore()
    run_scenario(scenario, store=store, workers=1)
    for stage, change in (("resolve_cert", lambda n: {"cert_share": 0.65 + 0.05 * n}),
                          ("resolve_weights", lambda n: {"weights": {"travel": 1.5 + 0.5 * n}})):
        results: list = []

        def one(n: int, change=change, results=results) -> None:
            results.append(run_scenario(scenario, store=store, workers=1, overrides=change(n)))

        runs = Timed(one)
        rec.append(record(stage, runs, cpu=runs.cpu))
        # a run that did not end optimal (e.g. the class MIP's time limit on a loaded machine) is noted, not hidden
        rec[-1]["runs"] = [f"{r.status}{' (re-solve)' if r.warm else ''}" for r in results]
        rec[-1]["stages"] = {k: round(statistics.median(r.timings.get(k, 0.0) for r in results), 3)
                             for k in ("problem", "build", "solve_lp", "classes", "place", "verify")}
    return rec


def run_assumption_analysis() -> list[dict]:
    """Issue 20: `assumptions` on the baseline: the LP with ranging, the ranking, the top 10 re-solved (the
    analysis of a freshly loaded scenario each time; no file writing)."""
    from optimizer.analysis.assumptions import analyse
    from optimizer.pipeline import run_sensitivity

    runs = Timed(lambda n: analyse(run_sensitivity(), top=10))
    return [record("assumptions", runs, cpu=runs.cpu)]


def lp_hot_resolve_seconds(problem) -> list[float]:
    """The same change as ui_resolve applied to the solved HiGHS model and re-solved from its basis (LP only:
    no rounding, tables or verification; model/resolve.py, to be wired into the pipeline)."""
    from optimizer.model.lp import AllocationModel
    from optimizer.model.resolve import SolvedLP
    from optimizer.model.solvers import make_solver

    model = AllocationModel(problem)
    model.lp.solve(make_solver("highs", 120))
    solved = SolvedLP(model)
    out = []
    for n in range(REPEATS):
        t = time.perf_counter()
        solved.set_cert_share(dict.fromkeys(solved.unit_totals, 0.65 + 0.05 * n))
        assert solved.resolve().status == "optimal"
        out.append(time.perf_counter() - t)
    return out


def run_sweeps() -> list[dict]:
    """The same 11-point grid: local processes (empty cache), a LocalCluster started for it, a running cluster
    whose workers are warm (no cache), and from the cache."""
    from distributed import Client, LocalCluster

    from optimizer.analysis.sweep import parse_param, run_sweep

    scenario = ROOT / "scenarios" / "baseline.yaml"
    grid = [parse_param(SWEEP_GRID)]

    def sweep(cache=None, **kw) -> None:
        results = run_sweep(scenario, grid, workers=2, cache_dir=cache, progress=False, **kw)
        assert all(r.status == "optimal" for r in results), [r.message for r in results]

    rec = [record("sweep_11", Timed(lambda n: sweep())),
           record("sweep_11_dask", Timed(lambda n: sweep(executor="dask")))]
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster, \
            Client(cluster):
        run_sweep(scenario, [parse_param("cert_share=0.5,0.55")], workers=2, cache_dir=None, progress=False,
                  executor="dask", scheduler=cluster.scheduler_address)  # the workers import and solve once
        rec.append(record("sweep_11_warm", Timed(lambda n: sweep(executor="dask",
                                                                 scheduler=cluster.scheduler_address))))
    with tempfile.TemporaryDirectory() as cache:
        sweep(Path(cache))
        rec.append(record("sweep_11_cached", Timed(lambda n: sweep(Path(cache)))))
    return rec


def main() -> int:
    global REPEATS
    from optimizer.data.synthetic import write_synthetic

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="province only (CI smoke step)")
    parser.add_argument("--series", default="1,4,16,31", help="provinces of the country instances")
    parser.add_argument("--repeats", type=int, default=REPEATS,
                        help="runs per figure (median); the issue's targets are medians of 3")
    parser.add_argument("--parts", default="province,workspace,assumptions,sweeps,country",
                        help="which parts to run (comma-separated; on a shared machine, run each when load is low)")
    args = parser.parse_args()
    REPEATS = max(1, args.repeats)
    parts = set(args.parts.split(","))
    records = run_instance("province", None) if "province" in parts or args.quick else []
    if "workspace" in parts or args.quick:
        records += run_workspace()
    if "assumptions" in parts or args.quick:  # issue 20
        records += run_assumption_analysis()
    if not args.quick and "sweeps" in parts:
        records += run_sweeps()
    if not args.quick and "country" in parts:
        with tempfile.TemporaryDirectory() as tmp:
            for n in (int(x) for x in args.series.split(",")):
                data = write_synthetic(Path(tmp) / f"country{n}", provinces=n, seed=n)
                records += run_instance(f"country-{n}", data, raw=n <= 16)
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"{platform.system()}")
    print(f"medians of {REPEATS} runs")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times grow with it; CPU less)")
    print(f"{'instance':<12} {'stage':<20} {'seconds':>9} {'target':>8} {'cpu s':>7} {'peak MB':>8} {'variables':>10} "
          f"{'rows':>7} {'load':>5}")
    for r in records:
        limit = TARGETS.get((r["instance"], r["stage"]))
        target = f"≤ {limit[0]:g}" if limit and limit[1] == "s" else ""
        cpu = f"{r['cpu_seconds']:.3f}" if "cpu_seconds" in r else ""
        print(f"{r['instance']:<12} {r['stage']:<20} {r['seconds']:>9.3f} {target:>8} {cpu:>7} "
              f"{r['peak_rss_mb']:>8.0f} {r['variables']:>10} {r['constraints']:>7} {r.get('load_avg', 0):>5.1f}")
        if "stages" in r:
            print(f"{'':<12}   {', '.join(f'{k} {v:.3f}' for k, v in r['stages'].items())}")
        if "tree_peak_rss_mb" in r:
            print(f"{'':<12}   process tree (command and workers) peak {r['tree_peak_rss_mb']:.0f} MB")
    print("\ntargets")
    got = {(r["instance"], r["stage"]): r for r in records}
    for (inst, stage), (limit, unit, what) in TARGETS.items():
        if stage == "solve/raw":
            if (inst, "raw_highs") not in got:
                continue
            value = got[(inst, "solve")]["seconds"] / got[(inst, "raw_highs")]["seconds"]
        elif stage == "end_to_end_rss":
            if (inst, "end_to_end") not in got:
                continue
            value = got[(inst, "end_to_end")].get("tree_peak_rss_mb", got[(inst, "end_to_end")]["peak_rss_mb"])
        elif (inst, stage) in got:
            value = got[(inst, stage)]["seconds"]
        else:
            continue
        verdict = "met" if value <= limit else f"MISSED by {value - limit:.2f} {unit} ({value / limit - 1:.0%})"
        print(f"  {what:<58} target ≤ {limit:g} {unit:<3} measured {value:8.2f} {unit:<3} {verdict}")
    # the committed table is refreshed by hand (a full run); CI and --quick runs write beside the test artefacts
    target = ROOT / "test-artifacts" / "benchmarks.json" if args.quick or os.environ.get("CI") else \
        ROOT / "benchmarks" / ("results.json" if parts >= set(parser.get_default("parts").split(",")) else
                               f"results-{'-'.join(sorted(parts))}.json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(records, indent=2) + "\n", encoding="utf-8")
    print(f"written to {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
