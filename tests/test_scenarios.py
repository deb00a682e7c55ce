"""Shipped scenarios, directions worked out by reasoning, comparison, bad scenario files, sweeps."""

from __future__ import annotations

import json
import math
import re

import pandas as pd
import pytest

from optimizer.analysis.compare import compare, comparison_text, gini, key_figures, write_comparison_xlsx
from optimizer.analysis.sweep import parse_param, run_sweep
from optimizer.cli import main
from optimizer.data.scenario import load_scenario
from optimizer.errors import InputError
from optimizer.messages import language
from optimizer.pipeline import run_scenario
from tests.conftest import DATA, ROOT
from tests.test_model import base_offers
from tests.tiny import Tiny, write

SCEN = ROOT / "scenarios"


def solve_scenario_file(path):
    """(scenario, plan, problem, solution) through the one pipeline."""
    r = run_scenario(path)
    return r.scenario, r.plan, r.problem, r.solution


SHIPPED = ("baseline", "cert_share_70", "capacity_loss", "tea_tourism_push", "travel_min", "rural_focus",
           "stress_infeasible")


@pytest.fixture(scope="module")
def solved(shipped):
    """(scenario, plan, problem, solution) of every shipped scenario, from the session's shared solves."""
    out = {}
    for name in SHIPPED:
        r = shipped(name)
        out[name] = r.scenario, r.plan, r.problem, r.solution
    return out


def test_every_shipped_scenario_solves_except_the_stress_case(solved):
    from optimizer.model.verify import verify

    for name, (scenario, _, problem, solution) in solved.items():
        assert scenario.description, name
        if name == "stress_infeasible":
            assert solution.status == "infeasible"
            continue
        assert solution.ok, name
        assert verify(problem, solution) == [], name


def test_raising_rho_never_lowers_the_share_or_the_cost(solved):
    base, high = solved["baseline"][3].summary, solved["cert_share_70"][3].summary
    assert min(high["certificate_share"].values()) >= 0.7 > min(base["certificate_share"].values())
    assert high["lp_bound"] >= base["lp_bound"]  # a tighter LP cannot be cheaper


def test_removing_capacity_never_lowers_the_cost(solved, tmp_path):
    """A capacity cut can only raise the LP optimum (the bound every whole-class plan is measured against). Checked
    on 云南建投技工学校 −20% with the LP relaxation built afresh here (the whole-class stage adds nothing to the
    direction and costs ~30 s), and on the shipped capacity_loss, solved whole, whose plan must still be found."""
    import pulp

    from optimizer.model.lp import AllocationModel
    from optimizer.model.problem import build_problem
    from optimizer.model.solvers import make_solver
    from optimizer.pipeline import prepare

    base = solved["baseline"][3].summary["lp_bound"]
    path = tmp_path / "less.yaml"
    path.write_text(f"base: {SCEN / 'baseline.yaml'}\ncapacity:\n  - {{institution: 云南建投技工学校, percent: -20}}\n",
                    encoding="utf-8")
    _, applied, params, _ = prepare(path)
    problem = build_problem(applied, params)
    assert problem.offers["capacity"].sum() < solved["baseline"][2].offers["capacity"].sum()  # the cut is applied
    model = AllocationModel(problem)
    model.lp.solve(make_solver("highs", 120))
    assert model.lp.sol_status == pulp.LpSolutionOptimal
    assert pulp.value(model.lp.objective) >= base - 1e-6
    less = solved["capacity_loss"][3]
    assert less.ok and less.summary["lp_bound"] >= base


def test_weighting_travel_more_never_increases_travel(solved):
    base, travel = solved["baseline"][3].summary, solved["travel_min"][3].summary
    assert travel["trainee_km"] <= base["trainee_km"] * (1 + 1e-6)
    assert travel["objective_terms"]["cost"] >= base["objective_terms"]["cost"] - 1e-6


def test_tea_push_costs_more_than_the_baseline(solved):
    # since issue 13 the offers are sized in whole classes (load / 0.8), so the tea workshops hold the doubled
    # tea focus without mix slack; moving trainees to tea and tourism still costs: the optimum can only rise
    push, base = solved["tea_tourism_push"][3].summary, solved["baseline"][3].summary
    # whole classes may leave a class's worth of trainees beyond a focus band (rounding keeps the plan inside the
    # LP's capacities, and a local class MIP re-decides the few totals it cannot place): at most 60 trainees
    assert base["objective_terms"]["mix"] <= 60 * 2000  # mix_penalty 2,000 yuan a trainee (params.py)
    assert push["lp_bound"] > base["lp_bound"]


def test_rural_focus_moves_tech_training_out_of_urban_districts(solved):
    _, _, _, sol = solved["rural_focus"]
    kinds = load_plan_kinds()
    tech = sol.school_allocation.groupby("adcode")["trainees"].sum()
    urban = sum(v for c, v in tech.items() if kinds[c] == "市辖区")
    _, _, _, base = solved["baseline"]
    base_tech = base.school_allocation.groupby("adcode")["trainees"].sum()
    assert urban < sum(v for c, v in base_tech.items() if kinds[c] == "市辖区")
    assert urban == 0  # their indicator is 0, so their band is 0..0 and the slack is penalised


def load_plan_kinds() -> dict[str, str]:
    frame = pd.read_csv(DATA / "counties.csv", dtype={"adcode": str}, encoding="utf-8")
    return dict(zip(frame["adcode"], frame["kind"], strict=True))


def test_stress_case_diagnosis_names_the_provincewide_shortfall(solved):
    """Demand: 30万 tech-school (20万 × 1.5) + 60,000 Annex 4 = 360,000. Places: 80% (class_fill) of every
    offer's seats, computed here from offers.csv and courses.csv, except those of institutions that can take
    nobody: not a school (no Annex 2 quota) and no teachers on the provincial platform (R15: no unit trainees).
    The shortfall must be their difference."""
    inst = pd.read_csv(DATA / "institutions.csv", encoding="utf-8")
    idle = set(inst.loc[(inst["platform_teachers"] == 0) & inst["code"].str.startswith("i"), "code"])
    assert idle == {"i09"}
    offers = pd.read_csv(DATA / "offers.csv", encoding="utf-8")
    offers = offers[~offers["institution"].isin(idle)]
    courses = pd.read_csv(DATA / "courses.csv", encoding="utf-8").set_index("code")
    hours = offers["course"].map(courses["class_hours"])
    size = offers["course"].map(courses["max_class_size"])
    seats = offers["equipment_sets"] * (offers["days_available"] // ((hours + 7) // 8)) * size
    places = int((seats * 0.8 + 1e-9).astype(int).sum())  # the plan fills at most class_fill = 80% of the seats
    _, _, _, sol = solved["stress_infeasible"]
    assert sol.diagnosis is not None
    assert f"共缺 {(360_000 - places) / 10_000:g} 万人" in sol.diagnosis.messages[0]  # Chinese by default
    # the sum reads at once: 共需 − 至多只能安排 = 共缺
    need, have, short = (float(x) for x in re.findall(r"(?:共需|至多只能安排|共缺) ([\d.]+) 万人",
                                                      sol.diagnosis.messages[0]))
    assert have == places / 10_000 and round(need - have, 4) == short
    assert any("全省性的缺口" in m for m in sol.diagnosis.messages)


def test_comparing_a_scenario_with_itself_shows_no_difference(solved):
    s, _, p, sol = solved["baseline"]
    c = compare((s.name, p, sol), (s.name, p, sol))
    assert c.by_school.empty and c.by_prefecture.empty and c.by_county.empty and c.by_course.empty
    numeric = [d for d in c.figures["difference"] if d != ""]
    assert numeric and all(d == 0 for d in numeric)


def test_the_comparison_reads_in_the_units_solve_prints(solved):
    """Money in 万元 as solve prints it (it showed 351,630,116 元 beside solve's 35,163.01 万元), shares in percent
    with their difference in percentage points (it showed 0.6000), the scenarios by their titles."""
    s, _, p, sol = solved["baseline"]
    with language("zh"):
        lines = comparison_text(compare((s.name, p, sol), (s.name, p, sol))).splitlines()
    assert lines[0].startswith("A = 基准方案（baseline）：最优")
    row = {x.split()[0]: x.split()[1:] for x in lines[2:] if x.strip()}
    objective = f"{sol.summary['objective'] / 1e4:,.2f}"
    assert row["目标值（万元）"] == [objective, objective, "0.00"]
    assert row["最低等级证书类比例"] == ["60.0%", "60.0%", "0.0", "个百分点"]


def test_capacity_loss_moves_that_schools_trainees_and_keeps_the_annex_totals(solved):
    a, b = solved["baseline"], solved["capacity_loss"]
    c = compare((a[0].name, a[2], a[3]), (b[0].name, b[2], b[3]))
    school = c.by_school.set_index("code")
    assert school.loc["s01", "a"] == 20000 and school.loc["s01", "b"] == 16000
    assert c.by_school["difference"].sum() == 0  # the 4,000 moved, none lost
    assert c.by_prefecture.empty  # every prefecture still gets its Annex 1 column 5 and Annex 4 totals
    tech = b[3].school_allocation.groupby("prefecture")["trainees"].sum()
    assert tech.sum() == 200000


def test_compare_cli_text_json_and_excel(solved, tmp_path, capsys, monkeypatch):
    """B is rural_focus (solves in ~2 s; cert_share_70 took ~14 s): its figures in the JSON are the ones the
    session's own solve of that file gives. The workbook's sheets are named in Chinese by default, in English with
    --lang en."""
    monkeypatch.delenv("YUNNAN_PLAN_LANG", raising=False)
    out = tmp_path / "cmp"
    assert main(["compare", str(SCEN / "baseline.yaml"), str(SCEN / "rural_focus.yaml"), "--format", "json",
                 "--out", str(out)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["a"]["name"] == "baseline" and data["b"]["name"] == "rural_focus"
    for side, name in (("a", "baseline"), ("b", "rural_focus")):
        summary = solved[name][3].summary
        assert data[side]["figures"]["objective"] == pytest.approx(summary["objective"], rel=1e-9), side
        assert data[side]["figures"]["min_cert_share"] == pytest.approx(min(summary["certificate_share"].values()))
    sheets = ["关键指标", "按院校机构", "按州市", "按县市区", "按课程"]
    with pd.ExcelFile(out / "comparison.xlsx") as book:
        assert book.sheet_names == sheets
        changed = pd.read_excel(book, sheet_name="按县市区")
        figures = pd.read_excel(book, sheet_name="关键指标")
    assert len(changed) == len(data["by_county"]) > 0  # rural_focus moves tech training between counties
    # headers and figure names in Chinese, as the text output names them; values as solved
    assert list(changed.columns) == ["代码", "名称", "方案 A", "方案 B", "B − A"]
    assert list(figures.columns) == ["指标", "方案 A", "方案 B", "B − A"]
    objective = figures.set_index("指标").loc["目标值（万元）"]  # in 万元, as solve prints it
    assert float(objective["方案 A"]) == pytest.approx(solved["baseline"][3].summary["objective"] / 1e4, rel=1e-9)
    assert figures.set_index("指标").loc["状态", "方案 A"] == "最优"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"] == "compare" and set(manifest["files"]) == {"comparison.xlsx", "comparison.json"}
    a, b = solved["baseline"], solved["rural_focus"]
    with language("en"):  # the same writer in English (the command's --lang sets this language)
        write_comparison_xlsx(compare((a[0].name, a[2], a[3]), (b[0].name, b[2], b[3])), tmp_path / "en.xlsx")
    with pd.ExcelFile(tmp_path / "en.xlsx") as book:
        assert book.sheet_names == ["key figures", "by_school", "by_prefecture", "by_county", "by_course"]


def test_comparing_with_an_infeasible_scenario_gives_its_diagnosis_not_differences(solved):
    """stress_infeasible has no plan: the comparison listed every school, prefecture and county as "20,000 → 0",
    printed nan for its figures, and `compare --out` stopped with a traceback writing comparison.json (NaN)."""
    a, b = solved["baseline"], solved["stress_infeasible"]
    c = compare((a[0].name, a[2], a[3]), (b[0].name, b[2], b[3]))
    assert c.by_school.empty and c.by_prefecture.empty and c.by_county.empty and c.by_course.empty
    assert [(side, name, status) for side, name, status, _ in c.unsolved] == [("B", b[0].name, "infeasible")]
    assert c.unsolved[0][3] == b[3].diagnosis.messages and c.unsolved[0][3]
    data = json.loads(json.dumps(c.to_dict(), allow_nan=False))  # as the output writer writes it
    objective = next(r for r in data["figures"] if r["figure"] == "objective")
    assert objective["a"] == pytest.approx(a[3].summary["objective"]) and objective["b"] is None
    with language("zh"):
        text = comparison_text(c)
    assert "nan" not in text and "→" not in text
    assert f"方案 B（{b[0].name}）不可行，没有分配方案可比较。原因：" in text
    assert f"  - {b[3].diagnosis.messages[0]}" in text


def test_the_comparison_workbook_names_its_scenarios_and_an_unsolved_sides_reason(solved, tmp_path):
    """The workbook's columns said only 方案 A / 方案 B (a printed copy never said which scenarios), and an
    infeasible B was a blank column with no reason. Under the key figures: the head line solve's text starts
    with, then B's diagnosis, line by line, in merged cells A:D."""
    from openpyxl import load_workbook

    a, b = solved["baseline"], solved["stress_infeasible"]
    with language("zh"):
        write_comparison_xlsx(compare((a[0].name, a[2], a[3]), (b[0].name, b[2], b[3])), tmp_path / "c.xlsx")
    ws = load_workbook(tmp_path / "c.xlsx")["关键指标"]
    below = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    below = below[below.index(None) + 1:]
    assert below[0] == "A = 基准方案（baseline）：最优    B = 压力测试（不可行）（stress_infeasible）：不可行"
    assert below[1] == "方案 B（stress_infeasible）不可行，没有分配方案可比较。原因："
    assert below[2:] == [f"  - {m}" for m in b[3].diagnosis.messages]


def test_full_offers_count_the_places_the_plan_may_fill(solved):
    """An offer is full when the plan uses all its plannable places: 80% (class_fill) of its seats, worked out
    here from offers.csv and courses.csv, against the trainees the allocation tables place there. Counted
    against the seats themselves the figure was 0 on every plan (compare printed 满负荷的开班项 0 → 0)."""
    offers = pd.read_csv(DATA / "offers.csv", encoding="utf-8")
    courses = pd.read_csv(DATA / "courses.csv", encoding="utf-8").set_index("code")
    hours = offers["course"].map(courses["class_hours"])
    size = offers["course"].map(courses["max_class_size"])
    seats = offers["equipment_sets"] * (offers["days_available"] // ((hours + 7) // 8)) * size
    plannable = (seats * 0.8 + 1e-9).astype(int).set_axis(pd.MultiIndex.from_frame(offers[["institution", "course"]]))
    _, _, problem, sol = solved["baseline"]
    school = sol.school_allocation.groupby(["school_code", "course_code"])["trainees"].sum()
    unit = sol.project_allocation.groupby(["institution_code", "course_code"])["trainees"].sum()
    used = pd.concat([school, unit]).groupby(level=[0, 1]).sum().reindex(plannable.index, fill_value=0)
    expected = int((used >= plannable).sum())
    assert expected > 100  # most offers are full on the baseline
    assert key_figures("baseline", problem, sol).figures["full_offers"] == expected


def test_gini_by_hand():
    assert gini([1, 1, 1]) == 0
    # two equal-weight counties with rates 0 and 2: Σ|vi−vj| over ordered pairs = 4; 2·n²·mean = 2·4·1 = 8 → 0.5
    assert gini([0, 2]) == pytest.approx(0.5)
    # weights 3 and 1, rates 1 and 5: mean 2; pairs: 2·3·1·4 = 24; 2·16·2 = 64 → 0.375
    assert gini([1, 5], [3, 1]) == pytest.approx(0.375)


# -- bad scenario files --------------------------------------------------------------------------------

def bad(tmp_path, text: str, name: str = "bad.yaml", lang: str = "en"):
    """The problems of a scenario file, their messages in ``lang`` (English: the words these tests quote)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with language(lang), pytest.raises(InputError) as exc:
        scenario = load_scenario(path)
        from optimizer.data.loader import load_plan

        scenario.apply(load_plan(DATA))
    return exc.value.problems


def test_unknown_key_suggests_the_closest(tmp_path):
    (p,) = bad(tmp_path, "name: x\n\ncert_shar: 0.7\n")
    assert (p.file, p.row, p.column) == ("bad.yaml", 3, "cert_shar") and "did you mean cert_share?" in p.message
    with language("en"):
        assert str(p) == "bad.yaml, line 3, key 'cert_shar': unknown key; did you mean cert_share?"
    (p,) = bad(tmp_path, "name: x\n\ncert_shar: 0.7\n", lang="zh")  # the default: Chinese frame, Chinese text
    assert str(p) == "bad.yaml，第 3 行，键“cert_shar”：未知的键；是否为 cert_share？"


def test_wrong_type(tmp_path):
    (p,) = bad(tmp_path, "band_delta: wide\n")
    assert p.column == "band_delta" and p.row == 1 and "number" in p.message


def test_rho_out_of_range(tmp_path):
    (p,) = bad(tmp_path, "name: x\ncert_share: 1.5\n")
    assert p.column == "cert_share" and p.row == 2 and "less than or equal to 1" in p.message


def test_unknown_school_name(tmp_path):
    (p,) = bad(tmp_path, "capacity:\n  - {institution: 云南技师学校, percent: -10}\n")
    assert p.row == 2 and p.column == "capacity.0.institution" and "did you mean 云南技师学院?" in p.message


def test_yaml_tag_that_would_construct_an_object(tmp_path):
    (p,) = bad(tmp_path, "name: !!python/object/apply:os.system ['touch /tmp/pwned']\n")
    assert "not valid YAML" in p.message and p.row == 1


def test_base_cycle(tmp_path):
    (tmp_path / "a.yaml").write_text("base: b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("base: a.yaml\n", encoding="utf-8")
    with language("en"), pytest.raises(InputError, match="cycle"):
        load_scenario(tmp_path / "a.yaml")


def test_extension_overrides_a_few_fields(tmp_path):
    path = tmp_path / "child.yaml"
    path.write_text(f"base: {SCEN / 'baseline.yaml'}\nweights: {{travel: 3}}\n", encoding="utf-8")
    s = load_scenario(path)
    assert s.params.weights.travel == 3 and s.params.weights.cost == 1  # mappings merge key by key
    assert s.params.band_delta == 0.25 and s.data_dir == DATA.resolve()


# -- locks ---------------------------------------------------------------------------------------------

def test_lock_must_not_serve_a_prefecture(tmp_path):
    """昆明市 needs 100, 曲靖市 50; s01 (100) may not serve 曲靖市, so it trains all 100 in 昆明市 and s02 (50) all
    of 曲靖市. s02 must put at least 30 in 沾益区, more than the county band's ⌈1.25 × 0.4 × 50⌉ = 25: the lock
    wins and the band takes slack."""
    data = write(tmp_path / "data", Tiny(offers=base_offers(), targets={"530100": 100, "530300": 50}))
    path = tmp_path / "lock.yaml"
    path.write_text(f"data: {data}\nclass_fill: 1\nlocks:\n"
                    "  - {school: 测试学校s01, prefecture: 曲靖市, at_most: 0}\n"
                    "  - {school: s02, county: 沾益区, at_least: 30}\n", encoding="utf-8")
    _, _, problem, sol = solve_scenario_file(path)
    assert sol.ok
    x = sol.school_allocation
    assert x[(x["school_code"] == "s01") & (x["prefecture"] == "曲靖市")].empty
    assert x[(x["school_code"] == "s02") & (x["adcode"] == "530303")]["trainees"].sum() >= 30
    assert sol.summary["slack_used"].get("bandhi_c530303", 0) > 0
    from optimizer.model.verify import verify

    assert verify(problem, sol) == []


# -- sweeps --------------------------------------------------------------------------------------------

def test_parse_param():
    assert parse_param("cert_share=0.6:0.9:0.05")[1] == pytest.approx([0.6 + 0.05 * i for i in range(7)])
    assert parse_param("weights.travel=1,2") == ("weights.travel", [1.0, 2.0])
    with language("en"), pytest.raises(InputError, match="did you mean cert_share"):
        parse_param("cert_shar=0.6:0.9:0.1")
    with language("en"), pytest.raises(InputError, match="STEP > 0"):
        parse_param("cert_share=0.9:0.6:0.1")


def test_sweep_of_eleven_points_runs_in_parallel_and_then_from_the_cache(tmp_path):
    data = write(tmp_path / "data", Tiny(offers=base_offers()))
    scen = tmp_path / "s.yaml"
    scen.write_text(f"data: {data}\n", encoding="utf-8")
    params = [parse_param("cert_share=0.0:1.0:0.1")]
    first = run_sweep(scen, params, workers=2, cache_dir=tmp_path / "cache", progress=False)
    assert len(first) == 11 and not any(r.cached for r in first)
    assert len({r.worker for r in first}) == 2  # two worker processes shared the points
    # R1 on the tiny instance: the unit's 100 trainees need ρ·100 in k1; the cost rises with ρ
    costs = [r.figures["objective"] for r in first if r.status == "optimal"]
    assert costs == sorted(costs)
    second = run_sweep(scen, params, workers=2, cache_dir=tmp_path / "cache", progress=False)
    assert all(r.cached for r in second)
    assert [r.figures for r in second] == [r.figures for r in first]


def test_infeasible_points_are_reported_not_dropped(tmp_path):
    # s01 k1 holds 180 (45 days → 3 classes of 60; 100 own); with s02's k1 gone the unit's certificate trainees
    # must fit in the other 80: ρ = 0.1 and 0.5 fit (one more class), ρ = 0.9 needs 90 > 80 → infeasible
    offers = [o for o in base_offers(s01_k1_days=45) if not (o.institution == "s02" and o.course == "k1")]
    data = write(tmp_path / "data", Tiny(offers=offers))
    scen = tmp_path / "s.yaml"
    scen.write_text(f"data: {data}\nclass_fill: 1\n", encoding="utf-8")  # every seat may be filled
    results = run_sweep(scen, [parse_param("cert_share=0.1,0.5,0.9")], workers=2, cache_dir=None, progress=False)
    assert [r.status for r in results] == ["optimal", "optimal", "infeasible"]
    assert results[2].message


def test_a_dying_worker_loses_only_its_own_point(tmp_path, monkeypatch):
    data = write(tmp_path / "data", Tiny(offers=base_offers()))
    scen = tmp_path / "s.yaml"
    scen.write_text(f"data: {data}\n", encoding="utf-8")
    monkeypatch.setenv("YUNNAN_PLAN_CRASH_POINT", json.dumps({"cert_share": 0.5}, sort_keys=True))
    monkeypatch.delenv("YUNNAN_PLAN_LANG", raising=False)
    results = run_sweep(scen, [parse_param("cert_share=0.3:0.7:0.1")], workers=2, cache_dir=None, progress=False)
    status = {round(r.point["cert_share"], 1): r.status for r in results}
    assert status == {0.3: "optimal", 0.4: "optimal", 0.5: "failed", 0.6: "optimal", 0.7: "optimal"}
    assert next(r.message for r in results if r.status == "failed") == "计算进程在此点上终止"  # Chinese by default
    assert not math.isnan(results[0].figures["objective"])


def test_sweep_workers_do_not_run_the_parents_main_script_again(tmp_path, monkeypatch):
    """Under Streamlit (and after an AppTest) ``__main__`` is a page script; spawned workers would run it again
    before their point. Here it is a script that leaves a mark and kills the process: with the sweep hiding it
    while workers start, both points solve and the script never ran (without, both would be 'failed')."""
    import sys
    import types

    mark = tmp_path / "ran.txt"
    script = tmp_path / "page.py"
    script.write_text(f"import os\nopen({str(mark)!r}, 'w').close()\nos._exit(3)\n", encoding="utf-8")
    page = types.ModuleType("__main__")
    page.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", page)
    data = write(tmp_path / "data", Tiny(offers=base_offers()))
    scen = tmp_path / "s.yaml"
    scen.write_text(f"data: {data}\n", encoding="utf-8")
    results = run_sweep(scen, [parse_param("cert_share=0.3,0.6")], workers=2, cache_dir=None, progress=False)
    assert [r.status for r in results] == ["optimal", "optimal"] and not mark.exists()
    assert sys.modules["__main__"] is page  # put back afterwards
