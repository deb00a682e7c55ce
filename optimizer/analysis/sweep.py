"""Parameter sweeps: solve a scenario over a grid of settings, in parallel, answered from a cache.

``--param cert_share=0.6:0.9:0.05`` (start:stop:step, stop included) or ``--param band_delta=0.1,0.25``;
several ``--param`` make a grid. Every point is solved in a worker process; its key figures are cached on
disk by a hash of its inputs (data tables + settings), so a repeated sweep, or a point shared by two
sweeps, is not solved again. Infeasible points are reported as such, never dropped. A worker that dies
takes only its own point down: the others are retried in a fresh pool.

Executors: ``processes`` (the default) solves the points in local spawned processes; ``dask`` hands them to a
``dask.distributed`` cluster: the one at ``scheduler`` (``tcp://host:8786``), or a LocalCluster on 127.0.0.1
when no address is given. Both share the cache, the progress bar and the table: the client computes every
point's input_id, the worker computes it again from its own package and data and a point whose two ids differ
is reported as failed, never cached (a worker with other code or other data cannot slip a result in).
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import sys
import types
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, DecimalException, InvalidOperation
from pathlib import Path

import pandas as pd

from optimizer.data.names import suggest_word
from optimizer.data.params import ModelParams
from optimizer.errors import InputError, Problem
from optimizer.messages import CATALOGUE, msg

SWEEPABLE = ("cert_share", "band_delta", "band_penalty", "mix_tolerance", "mix_penalty", "travel_cost_per_km",
             "quota_band", "weights.cost", "weights.travel", "weights.band", "weights.mix", "time_limit")
FIGURES = ("objective", "cost", "travel", "trainee_km", "min_cert_share", "capacity_utilisation",
           "band_slack_trainees", "mix_slack_trainees", "counties_outside_band", "per_10k_gini")
MAX_POINTS = 400  # a grid larger than this is almost surely a typo in a step
EXECUTORS = ("processes", "dask")
SCHEDULER_TIMEOUT = "30s"  # how long a client waits for a remote scheduler before the sweep is refused
DEFAULT_CACHE = Path(os.environ.get("YUNNAN_PLAN_CACHE", Path.home() / ".cache" / "yunnan-plan"))


def param_problem(name: str, value: str, message: str) -> Problem:
    """A problem with one ``--param`` setting, placed by its key as the scenario loader places the same
    setting in a YAML file (键“cert_share”, not 列: a setting is a key, not a table's column)."""
    return Problem("--param", None, name, value, message, column_word="key")


def _bad_spec(name: str, spec: str) -> InputError:
    return InputError([param_problem(name, spec, msg("sweep.param_spec"))])


def _finite(text: str, name: str, spec: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        raise _bad_spec(name, spec) from None
    if not value.is_finite():
        raise InputError([param_problem(name, spec, msg("limits.not_finite"))])
    return value


def _too_many(points: str, name: str, spec: str) -> InputError:
    return InputError([param_problem(name, spec, msg("limits.sweep_too_large", points=points, limit=MAX_POINTS))])


def range_count(start: Decimal, stop: Decimal, step: Decimal) -> int:
    """Values of START:STOP:STEP (stop included), computed without building them."""
    return int((stop - start) / step) + 1


def parse_param(text: str) -> tuple[str, list[float]]:
    """``name=start:stop:step`` or ``name=v1,v2,…`` → (name, values).

    The number of values is worked out arithmetically, and refused beyond ``MAX_POINTS``, before any list
    is built; every value must be finite and a valid setting (checked at both ends of a range)."""
    name, sep, spec = text.partition("=")
    name = name.strip()
    if not sep or not spec:
        raise InputError([Problem("--param", None, None, text, msg("sweep.param_form"))])
    if name not in SWEEPABLE:
        hint = suggest_word(name, SWEEPABLE)
        tail = msg("data.did_you_mean", hint=hint) if hint else msg("sweep.param_choose", choices=", ".join(SWEEPABLE))
        raise InputError([param_problem(name, text, msg("sweep.param_unknown", name=name, tail=tail))])
    if ":" in spec:
        parts = spec.split(":")
        if len(parts) != 3:
            raise _bad_spec(name, spec)
        start, stop, step = (_finite(p, name, spec) for p in parts)
        if step <= 0 or stop < start:
            raise _bad_spec(name, spec)
        try:
            count = range_count(start, stop, step)
        except (DecimalException, OverflowError):
            raise _too_many(f"> {MAX_POINTS}", name, spec) from None
        if count > MAX_POINTS:
            raise _too_many(f"{count:,}" if count < 10**12 else f"{count:.3e}", name, spec)
        values = [float(start + i * step) for i in range(count)]
    else:
        if spec.count(",") >= MAX_POINTS:
            raise _too_many(f"{spec.count(',') + 1:,}", name, spec)
        values = [float(_finite(p, name, spec)) for p in spec.split(",")]
    _check_setting(name, spec, [min(values), max(values)])
    return name, values


def _check_setting(name: str, spec: str, values: list[float]) -> None:
    """Every swept value is a valid setting: the range's ends are checked as ModelParams would check them."""
    from pydantic import ValidationError

    from optimizer.messages.data import validation_message

    for value in values:
        try:
            ModelParams(**overrides_for(ModelParams(), {name: value}))
        except ValidationError as exc:
            raise InputError([param_problem(name, spec, msg(
                "sweep.param_value", value=f"{value:g}", reason=validation_message(exc.errors()[0])))]) from None


def grid_size(params: list[tuple[str, list[float]]]) -> int:
    """Points of the grid: the product of the value counts."""
    size = 1
    for _, values in params:
        size *= len(values)
    return size


def grid(params: list[tuple[str, list[float]]]) -> list[dict[str, float]]:
    """Every combination of the values; the size is checked before the combinations are built."""
    size = grid_size(params)
    if size > MAX_POINTS:
        raise InputError([Problem("--param", None, None, f"{size:,}",
                                  msg("limits.sweep_too_large", points=f"{size:,}", limit=MAX_POINTS))])
    return [dict(zip([n for n, _ in params], combo, strict=True))
            for combo in itertools.product(*(v for _, v in params))]


def overrides_for(base: ModelParams, point: dict[str, float]) -> dict:
    """ModelParams overrides for a grid point (``weights.travel`` → the weights mapping). Only ``base.weights``
    is read, so the scenario's unresolved settings will do: no need to apply the scenario twice."""
    out: dict = {}
    weights = base.weights.model_dump()
    for key, value in point.items():
        if key.startswith("weights."):
            weights[key.split(".", 1)[1]] = value
            out["weights"] = weights
        else:
            out[key] = value
    return out


@dataclass
class PointResult:
    point: dict[str, float]
    status: str
    figures: dict
    cached: bool = False
    message: str = ""
    worker: int | None = None  # process id that solved the point


_WORKER: dict[str, object] = {}  # per worker process: the ModelStore and the loaded (scenario, plan) per inputs


def _worker_inputs(scenario_path: str | None, data: str | None):
    """The worker's scenario, loaded plan and ModelStore: loaded once per worker and sweep inputs, so the points
    of one worker re-solve the model it kept (pipeline.run_scenario's store) instead of loading and building
    again. The plan is keyed by the data folder's file stamps: changed data is loaded again."""
    from optimizer.data.loader import load_plan
    from optimizer.data.scenario import default_scenario, load_scenario
    from optimizer.pipeline import ModelStore

    scenario = load_scenario(scenario_path) if scenario_path else default_scenario()
    folder = Path(data) if data else Path(scenario.data_dir)
    stamp = json.dumps([scenario_path, data, sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                                                    for p in folder.glob("*") if p.is_file())])
    plans = _WORKER.setdefault("plans", {})
    if stamp not in plans:
        plans.clear()  # one sweep's plan at a time
        plans[stamp] = load_plan(folder)
    store = _WORKER.setdefault("store", ModelStore(max_models=2))
    return scenario, plans[stamp], store


def _solve_point(scenario_path: str | None, data: str | None, point: dict[str, float]) -> dict:
    """Worker: solve one point through the pipeline (re-solving the worker's kept model where the point changes
    only re-solvable settings); returns plain data (status, figures, message)."""
    from optimizer.analysis.compare import key_figures
    from optimizer.pipeline import run_scenario

    if os.environ.get("YUNNAN_PLAN_CRASH_POINT") == json.dumps(point, sort_keys=True):
        os._exit(17)  # test hook: simulate a worker dying on this point
    if "sample" in point:  # issue 20: a Monte Carlo sample of the assumed numbers
        from optimizer.analysis.assumptions import solve_sample

        return solve_sample(scenario_path, data, point)
    scenario, plan, store = _worker_inputs(scenario_path, data)
    result = run_scenario(scenario, plan=plan, overrides=overrides_for(scenario.params, point), workers=1,
                          store=store)
    solution = result.solution
    figures = key_figures("point", result.problem, solution)
    message = "; ".join(solution.diagnosis.messages[:2]) if solution.diagnosis else \
        str(solution.summary.get("message", ""))
    return {"status": solution.status, "figures": figures.figures, "cert_share": figures.cert_share,
            "message": message, "worker": os.getpid(), "input_id": result.input_id, "resolved": result.warm}


def _point_hashes(scenario_path: str | None, data: str | None, points: list[dict[str, float]]) -> list[str]:
    """Cache keys: each point's input_id (data, effective settings, code), computed without solving."""
    from optimizer.data.loader import load_plan
    from optimizer.data.scenario import default_scenario, load_scenario
    from optimizer.pipeline import input_identity, prepare

    scenario = load_scenario(scenario_path) if scenario_path else default_scenario()
    plan = load_plan(Path(data) if data else scenario.data_dir)
    if points and "sample" in points[0]:  # issue 20: Monte Carlo samples, keyed by their drawn data
        from optimizer.analysis.assumptions import sample_identity

        return [sample_identity(scenario_path, data, p, plan) for p in points]
    keys = []
    for p in points:
        _, applied, params, _ = prepare(scenario, plan=plan, overrides=overrides_for(scenario.params, p))
        keys.append(input_identity(applied, params))
    return keys


def read_cache_entry(path: Path) -> dict | None:
    """A cached point, or None when there is none or it is unreadable (then the point is solved again)."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored["status"] in ("optimal", "infeasible") and isinstance(stored["figures"], dict):
            return stored
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def run_sweep(scenario_path: Path | None, params: list[tuple[str, list[float]]], data: Path | None = None,
              workers: int = 2, cache_dir: Path | None = DEFAULT_CACHE, progress: bool = True,
              on_progress: Callable[[int, int], None] | None = None, executor: str = "processes",
              scheduler: str | None = None) -> list[PointResult]:
    """Solve every grid point (cached ones from the cache); results in grid order.

    ``on_progress(done, total)`` is called after every point (the UI's progress bar). ``executor`` is
    ``processes`` (local) or ``dask`` (the cluster at ``scheduler``, or a LocalCluster of ``workers``)."""
    return run_points(scenario_path, grid(params), data, workers, cache_dir, progress, on_progress, executor,
                      scheduler)


def run_points(scenario_path: Path | None, points: list[dict[str, float]], data: Path | None = None,
               workers: int = 2, cache_dir: Path | None = DEFAULT_CACHE, progress: bool = True,
               on_progress: Callable[[int, int], None] | None = None, executor: str = "processes",
               scheduler: str | None = None) -> list[PointResult]:
    """Solve ``points`` (a grid's, or the samples of a Monte Carlo sweep: ``{"sample": i, "seed": s}``) on the
    executor, answered from the cache where they were solved before; results in the points' order."""
    from tqdm import tqdm

    if executor not in EXECUTORS:
        raise InputError([Problem("--executor", None, None, executor,
                                  msg("sweep.unknown_executor", choices=", ".join(EXECUTORS)))])
    # absolute paths: a point may be solved in another working directory (a dask worker)
    spath = str(Path(scenario_path).resolve()) if scenario_path else None
    dpath = str(Path(data).resolve()) if data else None
    results: dict[int, PointResult] = {}
    keys = dict(enumerate(_point_hashes(spath, dpath, points)))
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for i, p in enumerate(points):
            stored = read_cache_entry(cache_dir / f"{keys[i]}.json")
            if stored is not None:
                results[i] = PointResult(p, stored["status"], stored["figures"], True, stored.get("message", ""))
    todo = [i for i in range(len(points)) if i not in results]
    attempts = dict.fromkeys(todo, 0)
    bar = tqdm(total=len(points), initial=len(results), desc="sweep", unit="point", file=sys.stderr,
               disable=not progress)
    if on_progress:
        original = bar.update

        def update(n: int = 1) -> None:
            original(n)
            on_progress(len(results), len(points))

        bar.update = update
        on_progress(len(results), len(points))
    if executor == "dask" and todo:
        _run_dask(todo, points, spath, dpath, workers, results, keys, cache_dir, bar, scheduler)
        todo = []
    isolated = False
    while todo:
        retry = []
        # first round: one shared pool; after a worker died, each remaining point runs in a pool of its own,
        # so a point that kills its worker cannot take another point down with it
        batches = [todo] if not isolated else [[i] for i in todo]
        for batch in batches:
            retry += _run_batch(batch, points, spath, dpath, workers, attempts, results, keys, cache_dir, bar)
        todo, isolated = sorted(retry), True
    bar.close()
    return [results[i] for i in range(len(points))]


def _run_batch(batch, points, spath, dpath, workers, attempts, results, keys, cache_dir, bar) -> list[int]:
    """Solve ``batch`` in one pool; returns the points whose worker died (to retry once, alone)."""
    retry = []
    from optimizer.model.decomposition import worker_context

    with ProcessPoolExecutor(max_workers=max(1, min(workers, len(batch))), mp_context=worker_context()) as pool:
        with _no_script_main():  # the workers start here, in submit
            futures = {pool.submit(_solve_point, spath, dpath, points[i]): i for i in batch}
        for future in as_completed(futures):
            i = futures[future]
            attempts[i] += 1
            if attempts[i] < 2 and isinstance(future.exception(), BrokenProcessPool):
                retry.append(i)  # its worker died: once more, alone (the pool is broken for every point in it)
                continue
            results[i] = _settle(future, points[i], keys[i], cache_dir, BrokenProcessPool)
            bar.update(1)
    return retry


@contextmanager
def _no_script_main() -> Iterator[None]:
    """While worker processes start, ``__main__`` is an empty module. A spawned process runs the parent's main
    script again (as ``__mp_main__``) before it takes any work; under Streamlit, and after an AppTest, that script
    is a page, which the worker would render again, and which dies there if the page starts processes itself
    (multiprocessing: "bootstrapping phase"). The workers need nothing from it: ``_solve_point`` lives here."""
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


def _settle(future, point: dict[str, float], key: str, cache_dir: Path | None,
            died: type[BaseException]) -> PointResult:
    """A finished point's result under either executor: the worker's answer (checked and cached by ``_record``),
    or "failed" with the reason — its worker process died (``died``: the executor's exception for that) or the
    point itself raised; the sweep goes on either way."""
    try:
        out = future.result()
    except died:
        return PointResult(point, "failed", {}, False, msg("sweep.worker_died"))
    except Exception as exc:  # a point's own failure is reported, the sweep goes on
        return PointResult(point, "failed", {}, False, msg("sweep.point_failed", error=f"{type(exc).__name__}: {exc}"))
    return _record(point, key, out, cache_dir)


def _record(point: dict[str, float], key: str, out: dict, cache_dir: Path | None) -> PointResult:
    """A worker's answer as a result, cached when it is final and was computed on the same inputs as the key."""
    if out.get("input_id") != key:  # another package or data version on the worker: refuse its answer
        return PointResult(point, "failed", {}, False,
                           msg("sweep.inputs_differ", worker=out.get("input_id"), expected=key), out.get("worker"))
    if cache_dir is not None and out["status"] in ("optimal", "infeasible"):
        write_cache_entry(cache_dir / f"{key}.json", out)
    return PointResult(point, out["status"], out["figures"], False, out["message"], out["worker"])


def _dask_client(scheduler: str | None, workers: int):
    """A client of the cluster at ``scheduler``, or of a LocalCluster of ``workers`` single-threaded processes
    bound to loopback (no dashboard): (client, the cluster started here or None)."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout=SCHEDULER_TIMEOUT), None
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError([Problem("--scheduler", None, None, scheduler,
                                      msg("sweep.scheduler_unreachable", address=scheduler, reason=exc))]) from None
    # silence_logs: the nanny's shutdown warnings ("still alive after 4 s, killing") are not the user's business
    with _no_script_main():  # the nannies spawn their worker processes while the cluster starts
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None, silence_logs=logging.ERROR)
    return Client(cluster), cluster


def _run_dask(todo, points, spath, dpath, workers, results, keys, cache_dir, bar, scheduler) -> None:
    """Solve ``todo`` on a dask.distributed cluster; a point whose worker died (dask retries it on other
    workers first) or that raised is reported as failed, the others go on."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    client, cluster = _dask_client(scheduler, workers)
    try:
        futures = {client.submit(_solve_point, spath, dpath, points[i], pure=False, key=f"sweep-{keys[i]}-{i}"): i
                   for i in todo}
        for future in as_completed(futures):
            i = futures[future]
            results[i] = _settle(future, points[i], keys[i], cache_dir, KilledWorker)
            bar.update(1)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def write_cache_entry(path: Path, entry: dict) -> None:
    """Atomically (a temporary file, then a rename): a killed sweep never leaves half an entry. A cache that
    cannot be written costs only speed, never the sweep."""
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(entry, ensure_ascii=False, default=str, allow_nan=False), encoding="utf-8")
        os.replace(tmp, path)
    except (OSError, ValueError):
        tmp.unlink(missing_ok=True)


def sweep_table(results: list[PointResult]) -> pd.DataFrame:
    rows = []
    for r in results:
        rows.append({**r.point, "status": r.status, "cached": r.cached,
                     **{f: r.figures.get(f) for f in FIGURES}, "message": r.message})
    return pd.DataFrame(rows)


def sweep_text(table: pd.DataFrame, params: list[tuple[str, list[float]]]) -> str:
    """The table the command prints: the parameters as given, then status in words, the objective in 万元 and
    the shares in percent, headed in the reader's language (it printed sweep.csv's English columns, 'optimal'
    and the objective in bare yuan, 351630115.52, while solve prints 35,163.01 万元)."""
    def share(v) -> str:
        return "" if v is None or pd.isna(v) else f"{float(v):.1%}"

    def status(v: str) -> str:
        return msg(f"status.{v}") if f"status.{v}" in CATALOGUE else str(v)

    shown = pd.DataFrame({name: table[name] for name, _ in params})
    shown[msg("cli.sweep_col.status")] = table["status"].map(status)
    shown[msg("cli.sweep_col.cached")] = table["cached"].map(lambda v: msg("cli.sweep_yes" if v else "cli.sweep_no"))
    shown[msg("cli.sweep_col.objective")] = table["objective"].map(
        lambda v: "" if v is None or pd.isna(v) else f"{float(v) / 10_000:,.2f}")
    shown[msg("cli.sweep_col.min_cert_share")] = table["min_cert_share"].map(share)
    shown[msg("cli.sweep_col.capacity_utilisation")] = table["capacity_utilisation"].map(share)
    with pd.option_context("display.unicode.east_asian_width", True):  # CJK headers count two columns
        return shown.to_string(index=False)


def sweep_reasons(table: pd.DataFrame, params: list[tuple[str, list[float]]]) -> list[str]:
    """One line per point without a plan: its settings, status and why (sweep.csv's message). The command said
    only '2 个非最优', the table's cells blank, and the reason stayed in the CSV."""
    lines = []
    for r in table[table["status"] != "optimal"].to_dict("records"):
        point = ", ".join(f"{name}={r[name]:g}" for name, _ in params)
        status = msg(f"status.{r['status']}") if f"status.{r['status']}" in CATALOGUE else str(r["status"])
        why = r.get("message")
        lines.append(msg("cli.sweep_not_optimal", point=point, status=status,
                         why=why if isinstance(why, str) and why else "—"))
    return lines


# Fonts with Chinese glyphs, tried in order (Debian/Ubuntu's Noto CJK, Windows' 黑体 and 微软雅黑, WenQuanYi);
# without one the plots are labelled in English rather than drawn with empty boxes.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "SimHei", "Microsoft YaHei",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei")


def cjk_font() -> str | None:
    """The first installed font of CJK_FONTS, or None."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def plot_labels(figure: str, x: str, failed: bool) -> tuple[str, str, str]:
    """(title, x label, y label) of one plot in the catalogue's language: the figure named as compare names it
    (money in 万元), the swept setting by its key."""
    from optimizer.analysis.compare import _figure_label

    y = _figure_label(figure)
    return msg("sweep.plot_title", figure=y, x=x) + (msg("sweep.plot_failed") if failed else ""), x, y


def plot_sweep(table: pd.DataFrame, params: list[tuple[str, list[float]]], out: Path) -> list[Path]:
    """One PNG per figure against the first parameter (one line per value of the second, if any), labelled in
    the reader's language when a CJK font is installed (else in English), money in 万元, shares in percent."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    from optimizer.analysis.compare import figure_kind, money_unit
    from optimizer.messages import current_language, language

    font = cjk_font()
    lang = current_language() if font or current_language() != "zh" else "en"
    x = params[0][0]
    series = params[1][0] if len(params) > 1 else None
    written = []
    ok = table[table["status"] == "optimal"]
    bad = table[table["status"] != "optimal"]
    style = {"font.sans-serif": [font, *plt.rcParams["font.sans-serif"]]} if font else {}
    with language(lang), plt.rc_context({**style, "axes.unicode_minus": False}):
        for fig_name in FIGURES:
            kind = figure_kind(fig_name)
            scale = 1 / money_unit() if kind == "money" else 1.0
            fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
            groups = ok.groupby(series) if series else [(None, ok)]
            for value, part in groups:
                ax.plot(part[x], part[fig_name].astype(float) * scale, marker="o",
                        label=f"{series}={value}" if series else None)
            for v in bad[x]:
                ax.axvline(v, color="#cc3333", alpha=0.3, linestyle="--")
            title, xlabel, ylabel = plot_labels(fig_name, x, not bad.empty)
            ax.set_xlabel(xlabel)
            ax.set_ylabel(ylabel)
            ax.set_title(title, fontsize=10)
            if kind == "share":
                ax.yaxis.set_major_formatter(PercentFormatter(1.0))
            else:  # whole numbers with separators, never 1e8 at the axis' top
                ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.2f}" if abs(v) < 100 else f"{v:,.0f}"))
            if series:
                ax.legend()
            ax.grid(alpha=0.3)
            path = out / f"sweep_{fig_name}.png"
            fig.tight_layout()
            fig.savefig(path)
            plt.close(fig)
            written.append(path)
    return written
