"""Workbooks read back with openpyxl, checked independently of the export code."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from openpyxl import load_workbook

from optimizer.cli import main
from optimizer.data.loader import load_plan
from optimizer.data.params import ModelParams
from optimizer.model.problem import build_problem
from optimizer.model.solve import allocate
from optimizer.outputs.breakdown import county_breakdown
from optimizer.outputs.workbook import export_workbooks
from tests.conftest import read_rows, write_rows
from tests.test_model import base_offers
from tests.tiny import Tiny, write

# Annex 1 per prefecture in 人次 (万 × 10,000), typed from the notice: columns 1..9
ANNEX1 = {
    "昆明市": [155000, 110000, 43500, 20000, 50000, 4200, 8500, 7800, 2800],
    "曲靖市": [80000, 25000, 10000, 23000, 26000, 1000, 6000, 1600, 1000],
    "玉溪市": [35000, 15000, 4000, 10000, 12000, 1000, 3600, 900, 400],
    "保山市": [25000, 10000, 4000, 6000, 9000, 300, 2700, 1100, 500],
    "昭通市": [50000, 12500, 5000, 30000, 15000, 200, 6100, 500, 300],
    "丽江市": [15000, 2700, 1800, 5000, 3000, 300, 3000, 800, 300],
    "普洱市": [30000, 10000, 4000, 14000, 10000, 200, 5300, 1600, 500],
    "临沧市": [35000, 7500, 4000, 14000, 14000, 400, 3300, 800, 400],
    "楚雄州": [25000, 7500, 4000, 10000, 8000, 400, 4500, 1600, 600],
    "红河州": [45000, 12500, 6000, 18000, 16000, 700, 4600, 1100, 600],
    "文山州": [30000, 5200, 4000, 18000, 10000, 400, 4500, 700, 400],
    "西双版纳州": [10000, 2100, 1200, 5000, 3000, 100, 1200, 400, 200],
    "大理州": [35000, 12500, 5500, 17000, 14000, 600, 4000, 1100, 500],
    "德宏州": [18000, 7500, 2000, 5000, 6000, 100, 1500, 0, 0],
    "怒江州": [6000, 5000, 500, 2000, 2000, 100, 300, 0, 0],
    "迪庆州": [6000, 5000, 500, 3000, 2000, 100, 900, 0, 0],
}


def sheet_values(path, sheet: str) -> list[tuple]:
    """All cell values of one sheet; the workbook is closed again (read-only mode keeps the file open)."""
    wb = load_workbook(path, read_only=True)
    try:
        return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


def table_rows(values: list[tuple]):
    """County rows and the 合计 row of an annex sheet: (label, [values])."""
    rows, total = [], None
    for r in values[4:]:
        if r[0] is None:
            break
        if r[0] == "合计":
            total = list(r[1:])
            break
        rows.append((r[0], list(r[1:])))
    return rows, total


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    out = tmp_path_factory.mktemp("export")
    assert main(["export", "--out", str(out), "--as-of", "2022-02-15"]) == 0
    sol_dir = tmp_path_factory.mktemp("solve")
    assert main(["solve", "--out", str(sol_dir)]) == 0
    school = pd.read_csv(sol_dir / "school_allocation.csv", encoding="utf-8-sig", dtype={"adcode": str})
    return out, school


def test_one_workbook_per_prefecture_and_the_province(exported):
    out, _ = exported
    names = sorted(p.name for p in out.glob("*.xlsx"))
    assert len(names) == 17 and "530000_云南省.xlsx" in names and "530100_昆明市.xlsx" in names
    assert "532800_西双版纳州.xlsx" in names
    assert (out / "breakdown.csv").exists()


def test_annex1_columns_sum_to_the_notice_and_hierarchy_holds(exported):
    out, school = exported
    model_by_county = school.groupby("county")["trainees"].sum()
    for path in out.glob("53????_*.xlsx"):
        name = path.stem.split("_", 1)[1]
        if name == "云南省":
            continue
        rows, total = table_rows(sheet_values(path, "附件1 任务计划表"))
        assert total == ANNEX1[name], name
        for j in range(9):
            assert sum(v[j] for _, v in rows) == ANNEX1[name][j], (name, j + 1)
        for county, v in rows:
            c = dict(enumerate(v, start=1))
            assert c[2] <= c[1] and c[3] <= c[2] and c[9] <= c[8], (name, county)
            assert all(c[k] <= c[1] for k in (4, 5, 6, 7, 8)), (name, county)
            assert c[5] == model_by_county.get(county, 0), (name, county)


def test_annex5_total_is_siyb_plus_online_in_every_county(exported):
    out, _ = exported
    for path in out.glob("53????_*.xlsx"):
        if path.stem.endswith("云南省"):
            continue
        rows, total = table_rows(sheet_values(path, "附件5 创业培训"))
        for county, (t, siyb, c_siyb, online, c_online, live) in rows:
            assert t == siyb + online and c_siyb <= siyb and c_online <= online and live <= online, county
        assert [sum(v[j] for _, v in rows) for j in range(6)] == total


def test_annex4_counties_sum_to_the_prefecture_cells(exported):
    out, _ = exported
    plan = load_plan()
    for path in out.glob("53????_*.xlsx"):
        pref = path.stem.split("_")[0]
        if pref == "530000":
            continue
        rows, total = table_rows(sheet_values(path, "附件4 省级项目"))
        cells = plan.annex4[plan.annex4["prefecture"] == pref]["trainees"].tolist()
        assert total[:-1] == cells and total[-1] == sum(cells)
        assert [sum(v[j] for _, v in rows) for j in range(len(cells) + 1)] == total


def test_cover_sheet_has_deadline_days_left_and_findings(exported):
    out, _ = exported
    values = sheet_values(out / "530600_昭通市.xlsx", "封面")
    text = {r[0]: r[1] for r in values if r and r[0]}
    assert text["上报截止 Deadline"].startswith("2022-03-01")
    assert text["剩余天数 Days left"] == "14 天"
    assert "2022-06-30" in text["跟踪报告 Tracking"] and "2022-10-30" in text["跟踪报告 Tracking"]
    cells = [c for r in values for c in r if isinstance(c, str)]
    assert any("annex1_annex5.college" in c and "昭通市" in c for c in cells)
    assert any("follows the printed row" in c for c in cells)
    # 30 working days from 2022-02-15 by the official calendar: Feb 16–28 → 9, March 1–31 → 23 (9 + 21 = 30 on 29 Mar)
    assert "2022-03-29" in text["补贴审批时限"]


def test_breakdown_csv_long_format(exported):
    out, _ = exported
    frame = pd.read_csv(out / "breakdown.csv", encoding="utf-8-sig", dtype={"adcode": str, "column": str})
    assert list(frame.columns) == ["adcode", "county", "prefecture", "table", "column", "value"]
    a1 = frame[(frame["table"] == "annex1") & (frame["prefecture"] == "大理州")]
    assert a1.groupby("column")["value"].sum().to_dict() == {str(i + 1): v for i, v in enumerate(ANNEX1["大理州"])}
    assert set(frame.loc[frame["table"] == "annex5", "column"]) == {"total", "siyb", "college_siyb", "online",
                                                                     "college_online", "livestream"}
    assert "云南省茶叶流通协会" in set(frame.loc[frame["table"] == "annex4", "column"])


def _tiny_solution(tmp_path, rename=None):
    data = write(tmp_path / "data", Tiny(offers=base_offers()))
    if rename:
        for file in ("institutions.csv", "annex2_school_quotas.csv"):
            rows = read_rows(data / file)
            for r in rows:
                r[:] = [rename.get(c, c) for c in r]
            write_rows(data / file, rows)
    plan = load_plan(data)
    problem = build_problem(plan, ModelParams())
    solution = allocate(problem)
    assert solution.ok
    return plan, problem, solution


def test_formula_injection_is_written_as_text(tmp_path):
    evil = "=HYPERLINK(\"x\",\"y\")"  # no "/": a name with a path separator is refused at load (issue 17)
    plan, problem, solution = _tiny_solution(tmp_path, {"测试学校s01": evil})
    out = tmp_path / "out"
    export_workbooks(out, county_breakdown(plan, problem, solution), plan, "t", problem.params, dt.date(2022, 2, 1),
                     input_id="test")
    wb = load_workbook(out / "530100_昆明市.xlsx")
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value == evil]
    assert cells and all(c.data_type == "s" for c in cells)
    csv_text = (out / "breakdown.csv").read_text(encoding="utf-8-sig")
    assert "=HYPERLINK" not in csv_text or "'=HYPERLINK" in csv_text


def test_a_failure_half_way_leaves_no_workbook(tmp_path):
    plan, problem, solution = _tiny_solution(tmp_path)
    out = tmp_path / "out"
    calls = []

    def fail_on_second(path):
        calls.append(path)
        if len(calls) == 2:
            raise OSError("disk full (simulated)")

    with pytest.raises(OSError, match="simulated"):
        export_workbooks(out, county_breakdown(plan, problem, solution), plan, "t", problem.params,
                         dt.date(2022, 2, 1), after_each=fail_on_second, input_id="test")
    assert list(out.iterdir()) == []


def test_workbook_layout_matches_the_notice(exported):
    out, _ = exported
    wb = load_workbook(out / "532900_大理州.xlsx")
    assert wb.sheetnames == ["封面", "附件1 任务计划表", "附件1 万人次", "附件4 省级项目", "附件5 创业培训", "技工院校",
                             "分配明细", "前五机构跟踪"]
    ws = wb["附件1 任务计划表"]
    assert ws["A1"].value.startswith("大理州2022年职业培训任务计划表")
    assert ws["A2"].value == "单位：人次"
    assert [ws.cell(4, j).value for j in range(1, 11)] == ["甲", *[str(i) for i in range(1, 10)]]
    assert ws.freeze_panes == "B5"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    _, total = table_rows([tuple(c.value for c in r) for r in wb["附件1 万人次"].iter_rows()])
    assert total[0] == pytest.approx(3.5) and total[8] == pytest.approx(0.05)
    top = wb["前五机构跟踪"]
    assert top["A2"].value == "排名" and top["A3"].value == 1 and top["A7"].value == 5


def test_uploaded_county_weights_steer_a_column(tmp_path):
    """All of 曲靖市's column 4 weight on 沾益区 (530303): with Hamilton it gets the whole column, within its
    column 1 (which is apportioned by population 60:40 with its own lower bounds)."""
    from optimizer.outputs.breakdown import load_county_weights

    plan, problem, solution = _tiny_solution(tmp_path)
    path = tmp_path / "weights.csv"
    path.write_text("adcode,table,column,weight\n530302,annex1,4,0\n530303,annex1,4,1\n", encoding="utf-8")
    weights = load_county_weights(path, plan.counties)
    b = county_breakdown(plan, problem, solution, "hamilton", weights)
    qj = b.annex1[b.annex1["prefecture"] == "530300"].set_index("adcode")
    assert qj.loc["530303", "col4"] == min(qj["col4"].sum(), qj.loc["530303", "col1"])
    assert qj["col4"].sum() == 60  # the tiny instance's column 4 = its target 60


def test_bad_weights_file_names_row_and_column(tmp_path):
    from optimizer.errors import InputError
    from optimizer.outputs.breakdown import load_county_weights

    plan = load_plan(write(tmp_path / "data", Tiny(offers=base_offers())))
    path = tmp_path / "w.csv"
    path.write_text("adcode,table,column,weight\n530302,annex1,12,1\n999999,annex5,siyb,-2\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_county_weights(path, plan.counties)
    found = {(p.row, p.column) for p in exc.value.problems}
    assert found == {(2, "column"), (3, "adcode"), (3, "weight")}


def test_export_of_an_infeasible_scenario_exits_3_and_writes_no_workbook(tmp_path, capsys):
    from tests.tiny import B, Offer

    offers = [*base_offers(), Offer("i01", "k3", 9, days=15)]
    data = write(tmp_path / "data", Tiny(offers=offers, plans={("u02", B): 100}, scope={"u02": ["g2"]}))
    out = tmp_path / "out"
    assert main(["export", "--data", str(data), "--out", str(out), "--as-of", "2022-02-01"]) == 3
    assert not list(out.glob("*.xlsx"))
    assert "不可行" in capsys.readouterr().out
