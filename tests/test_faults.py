"""Faults and determinism: a full disk or refused write mid-export, two exports at once, saved scenarios,
byte-identical outputs from shuffled inputs in separate processes, and the diagnosis checked by brute force."""

from __future__ import annotations

import errno
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pulp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer.cli import main
from optimizer.data.loader import load_plan
from optimizer.data.params import ModelParams
from optimizer.data.scenario import load_scenario, save_scenario
from optimizer.errors import InputError
from optimizer.model.problem import build_problem
from optimizer.model.solve import allocate
from tests.conftest import DATA, ROOT
from tests.test_model import base_offers
from tests.tiny import B, Offer, Tiny, write


def test_disk_full_half_way_through_an_export_leaves_nothing(tmp_path, capsys, monkeypatch):
    import optimizer.outputs.workbook as wb

    real = wb.write_prefecture_workbook
    calls = []

    def fill_the_disk(path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 5:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(wb, "write_prefecture_workbook", fill_the_disk)
    out = tmp_path / "out"
    assert main(["export", "--out", str(out), "--as-of", "2022-02-11"]) == 5
    assert "No space left on device" in capsys.readouterr().err
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == []


def test_a_refused_move_takes_back_what_was_moved(tmp_path, capsys, monkeypatch):
    import os

    import optimizer.outputs.workbook as wb

    real, moves = os.replace, []

    def refuse_third(src, dst):
        moves.append(dst)
        if len(moves) == 3:
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        return real(src, dst)

    monkeypatch.setattr(wb.os, "replace", refuse_third)
    out = tmp_path / "out"
    assert main(["export", "--out", str(out), "--as-of", "2022-02-11"]) == 5
    assert "Permission denied" in capsys.readouterr().err
    assert not list(out.glob("*.xlsx")) and not (out / "breakdown.csv").exists()


def test_two_exports_to_one_folder_do_not_interleave(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "optimizer", "export", "--out", str(out)]
    procs = [subprocess.Popen([*cmd, "--as-of", day], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for day in ("2022-02-01", "2022-02-20")]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    dates = set()
    for path in out.glob("*.xlsx"):
        wb = load_workbook(path, read_only=True)
        cover = {r[0]: r[1] for r in wb["封面"].iter_rows(values_only=True) if r and r[0]}
        wb.close()
        dates.add(cover["截至日期"])
    assert len(list(out.glob("*.xlsx"))) == 17 and len(dates) == 1  # one export's set, whole


def test_saved_scenarios_stay_in_their_folder_and_load_back(tmp_path):
    for bad_name in ("../evil", "a/b", "..", "", "x" * 65, "name.yaml"):
        with pytest.raises(InputError) as caught:
            save_scenario(bad_name, {"cert_share": 0.7}, folder=tmp_path)
        assert "方案名称" in str(caught.value) and "不能含路径或点" in str(caught.value)  # the workspace shows it
    shutil.copy(ROOT / "scenarios" / "baseline.yaml", tmp_path / "baseline.yaml")
    path = save_scenario("我的方案_1", {"cert_share": 0.65, "capacity": [{"institution": "s01", "percent": -10}]},
                         folder=tmp_path)
    assert path == tmp_path / "我的方案_1.yaml"
    s = load_scenario(path)
    assert s.params.cert_share == 0.65 and s.spec.capacity[0].percent == -10
    assert s.description == "在工作台中保存"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    with pytest.raises(InputError):
        save_scenario("bad", {"cert_share": 2.0}, folder=tmp_path)
    assert not (tmp_path / "bad.yaml").exists()


def shuffled_copy(folder: Path, seed: int) -> Path:
    rng = random.Random(seed)
    folder.mkdir()
    for path in DATA.glob("*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        head, body = lines[0], lines[1:]
        rng.shuffle(body)
        (folder / path.name).write_text(head + "".join(body), encoding="utf-8")
    return folder


def test_same_scenario_in_two_processes_with_shuffled_rows_gives_identical_bytes(tmp_path):
    outs = []
    for k, data in enumerate((DATA, shuffled_copy(tmp_path / "shuffled", 7))):
        out = tmp_path / f"out{k}"
        r = subprocess.run([sys.executable, "-m", "optimizer", "solve", "--data", str(data), "--out", str(out)],
                           cwd=ROOT, capture_output=True, text=True, encoding="utf-8", check=False)
        assert r.returncode == 0, r.stderr
        outs.append(out)
    for name in ("school_allocation.csv", "project_allocation.csv", "institution_load.csv", "summary.json"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.integers(1, 300), st.sampled_from([15, 30, 45, 90]))
def test_a_named_shortfall_is_real(tmp_path_factory, need, days):
    """u02 needs ``need`` g2 trainees in 曲靖市; only i01 teaches g2 (k3), ⌊days/15⌋ × 60 places. When the
    diagnosis names a shortfall s, brute force confirms it: the plan less s solves, less s − 1 does not."""
    places = days // 15 * 60
    offers = [*base_offers(), Offer("i01", "k3", 9, days=days)]

    def solve_with(plan: int):
        t = Tiny(offers=offers, plans={("u02", B): plan}, scope={"u02": ["g2"]})
        folder = tmp_path_factory.mktemp("d")
        # class_fill 1: the LP may fill every seat, so the places are the docstring's ⌊days/15⌋ × 60
        problem = build_problem(load_plan(write(folder, t)), ModelParams(cert_share=0.0, class_fill=1.0))
        return problem, allocate(problem)

    _, sol = solve_with(need)
    if need <= places:
        assert sol.ok
        return
    assert sol.status == "infeasible"
    named = int(sol.diagnosis.shortfalls["shortfall"].sum())
    assert named == need - places
    assert solve_with(need - named)[1].ok
    assert solve_with(need - named + 1)[1].status == "infeasible"


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.sampled_from(["hamilton", "webster", "dhondt", "huntington_hill"]),
       st.lists(st.integers(0, 100), min_size=3, max_size=3))
def test_an_export_read_back_equals_the_breakdown(tmp_path_factory, method, weights):
    import datetime as dt

    import pandas as pd

    from optimizer.outputs.breakdown import county_breakdown
    from optimizer.outputs.workbook import export_workbooks

    plan = load_plan(write(tmp_path_factory.mktemp("d"), Tiny(offers=base_offers())))
    problem = build_problem(plan, ModelParams())
    sol = allocate(problem)
    w = pd.DataFrame([{"adcode": c, "table": "annex1", "column": "1", "weight": float(x)}
                      for c, x in zip(("530102", "530302", "530303"), weights, strict=True)])
    b = county_breakdown(plan, problem, sol, method, w)
    out = tmp_path_factory.mktemp("out")
    export_workbooks(out, b, plan, "t", problem.params, dt.date(2022, 2, 1), input_id="test")
    back = pd.read_csv(out / "breakdown.csv", encoding="utf-8-sig", dtype={"adcode": str, "column": str})
    expected = b.long()
    assert back.to_dict("records") == expected.astype({"value": int}).to_dict("records")


def test_time_limited_stop_is_reported_as_stopped_not_optimal():
    """PuLP 3.3 labels a time-limit stop "Optimal": the tool must not. A 0.01 s limit on the province."""
    plan = load_plan()
    problem = build_problem(plan, ModelParams(time_limit=0.01))
    sol = allocate(problem)
    assert sol.status == "time_limit" and not sol.ok and sol.school_allocation.empty
    # said in the user's language: the CLI prints it inside a Chinese sentence (it was English before)
    assert "时间上限（0.01 秒）" in sol.summary["message"] and "limit" not in sol.summary["message"]
    _ = pulp


def test_time_limit_on_a_larger_synthetic_instance_is_a_stop_not_an_answer(tmp_path):
    """Two synthetic provinces (~50,000 variables), solved as blocks in worker processes, 0.01 s each."""
    from optimizer.data.synthetic import write_synthetic

    plan = load_plan(write_synthetic(tmp_path / "syn", provinces=2, seed=5))
    problem = build_problem(plan, ModelParams(time_limit=0.01))
    sol = allocate(problem)
    assert sol.status == "time_limit" and not sol.ok and sol.school_allocation.empty
