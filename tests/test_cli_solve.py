"""`yunnan-plan solve` exit statuses: 0 solved and verified, 2 bad input, 3 infeasible, 4 solver failure."""

from __future__ import annotations

import json

import pulp

from optimizer.cli import main
from tests.conftest import ROOT
from tests.test_model import base_offers
from tests.tiny import B, Offer, Tiny, write


def test_infeasible_exits_3_with_the_diagnosis(tmp_path, capsys):
    offers = [*base_offers(), Offer("i01", "k3", 9, days=15)]
    data = write(tmp_path / "data", Tiny(offers=offers, plans={("u02", B): 100}, scope={"u02": ["g2"]}))
    assert main(["solve", "--data", str(data), "--out", str(tmp_path / "out"), "--cert-share", "0"]) == 3
    out = capsys.readouterr().out
    # i01's k3: one class of 60 seats, of which the plan may fill class_fill = 80%: 48; u02 needs 100, short 52
    assert "不可行" in out and "缺 0.0052 万人" in out  # 52 persons, to the person, in Chinese by default
    assert "方案“默认设置（default）”" in out  # no scenario file: named in words, its key after it
    diagnosis = json.loads((tmp_path / "out" / "diagnosis.json").read_text(encoding="utf-8"))
    assert diagnosis["shortfalls"][0]["shortfall"] == 52
    assert not (tmp_path / "out" / "school_allocation.csv").exists()  # nothing that looks like a plan


def test_bad_scenario_exits_2_with_a_suggestion(tmp_path, capsys):
    path = tmp_path / "typo.yaml"
    path.write_text("name: typo\ncert_shar: 0.7\n", encoding="utf-8")
    assert main(["solve", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "typo.yaml，第 2 行，键“cert_shar”：未知的键；是否为 cert_share？" in err


def test_out_of_range_share_exits_2(tmp_path, capsys):
    path = tmp_path / "rho.yaml"
    path.write_text("cert_share: 1.5\n", encoding="utf-8")
    assert main(["solve", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "cert_share" in capsys.readouterr().err


def test_yaml_object_tag_is_refused(tmp_path, capsys):
    path = tmp_path / "evil.yaml"
    path.write_text("name: !!python/object/apply:os.system ['echo hacked']\n", encoding="utf-8")
    assert main(["solve", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "不是有效的 YAML" in capsys.readouterr().err


def test_time_limit_stop_is_not_presented_as_optimal(tmp_path, capsys):
    assert main(["solve", "--time-limit", "0.05", "--out", str(tmp_path / "out")]) == 4
    assert "时间上限（0.05 秒）" in capsys.readouterr().err
    assert main(["--lang", "en", "solve", "--time-limit", "0.05", "--out", str(tmp_path / "en")]) == 4
    assert "time limit (0.05 s)" in capsys.readouterr().err
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8")) \
        if (tmp_path / "out" / "summary.json").exists() else {}
    assert summary.get("status") != "optimal"
    assert not (tmp_path / "out" / "school_allocation.csv").exists()


def test_missing_solver_is_a_clear_message(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(pulp.HiGHS, "available", lambda self: False)
    assert main(["solve", "--out", str(tmp_path / "out")]) == 4
    assert "本机没有求解器“highs”（请安装：pip install highspy）" in capsys.readouterr().err
    assert main(["--lang", "en", "solve", "--out", str(tmp_path / "en")]) == 4
    assert "solver 'highs' is not available" in capsys.readouterr().err


def test_baseline_scenario_file_is_valid():
    from optimizer.data.params import ModelParams
    from optimizer.data.scenario import load_scenario

    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    assert scenario.params == ModelParams()  # the file states the defaults explicitly
    assert scenario.data_dir == (ROOT / "data").resolve()


def test_the_solve_line_shows_the_notices_totals_and_the_gap_in_percent(tmp_path, capsys):
    """The tiny instance: Annex 2 quotas 100 + 50 = 150 persons (0.015 万), Annex 4 one cell of 100 (0.01 万), two
    prefectures whose tech-school tasks (90, 60) the plan meets; the gap above the LP bound as a percentage."""
    data = write(tmp_path / "data", Tiny(offers=base_offers()))
    assert main(["solve", "--data", str(data), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert ("通知总量：技工院校 0.015 万人（附件2 合计 0.015 万人）；省级项目 0.01 万人（附件4 合计 0.01 万人）；"
            "2/2 个州（市）的技工院校任务与附件1 第5栏相符") in out
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert f"整班方案高出下界 {summary['integer_gap']:.2%}" in out
