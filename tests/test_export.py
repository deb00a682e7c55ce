"""Workbooks read back with openpyxl, checked independently of the export code."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from optimizer.cli import main
from optimizer.data.loader import load_plan
from optimizer.data.params import ModelParams
from optimizer.model.problem import build_problem
from optimizer.model.solve import allocate
from optimizer.outputs.breakdown import county_breakdown
from optimizer.outputs.workbook import export_workbooks, soffice
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
    """All cell values (formulas: their cached values) of one sheet; the workbook is closed again (read-only mode
    keeps the file open)."""
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]
    finally:
        wb.close()


def table_rows(values: list[tuple]):
    """County rows and the 下达数 row of an annex sheet: (label, [values]); the rows follow the 甲 row (Annexes 1
    and 5) or the last header row (Annex 4: rows whose second cell is a number) up to 下达数."""
    rows, total = [], None
    for r in values[3:]:
        if r[0] == "下达数":
            total = list(r[1:])
            break
        if r[0] and r[0] != "甲" and isinstance(r[1], int | float):
            rows.append((r[0], list(r[1:])))
    return rows, total


def numbers(row: list, n: int) -> list:
    return list(row[:n])


@pytest.fixture(scope="module")
def exported(export_folder, solve_folder):
    """The session's export (as of 2022-02-15) and the school table of its solve of the shipped data."""
    out = export_folder
    code, sol_dir = solve_folder
    assert code == 0
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
        rows, total = [(c, v[:9]) for c, v in rows], total[:9]
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
        rows, total = [(c, v[:6]) for c, v in rows], total[:6]
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
        rows, total = [(c, v[:len(cells) + 1]) for c, v in rows], total[:len(cells) + 1]
        assert total[:-1] == cells and total[-1] == sum(cells)
        assert [sum(v[j] for _, v in rows) for j in range(len(cells) + 1)] == total


def test_cover_sheet_has_deadline_days_left_and_findings(exported):
    out, _ = exported
    values = sheet_values(out / "530600_昭通市.xlsx", "封面")
    text = {r[0]: r[1] for r in values if r and r[0]}
    assert text["上报截止"].startswith("2022-03-01")
    assert text["截至日期"] == "2022-02-15" and text["剩余天数"] == "14 天"
    assert "2022-06-30" in text["跟踪报告"] and "2022-10-30" in text["跟踪报告"]
    cells = [c for r in values for c in r if isinstance(c, str)]
    # the notice's own discrepancy for 昭通市, in plain Chinese: col 8 printed 500, implied 200 + 200 + 300 = 700
    assert any("第8栏印为 500 人次" in c and "应为 700 人次" in c for c in cells)
    assert any("本分解按印发数 500 执行" in c for c in cells)
    # 30 working days from 2022-02-15 by the official calendar: Feb 16–28 → 9, March 1–31 → 23 (9 + 21 = 30 on 29 Mar)
    assert "2022-03-29" in text["补贴审批时限"]
    assert text["分解方法"].startswith("最大余数法（汉密尔顿法）")
    assert "填报人" in text and "填报日期" in text


def test_each_cover_lists_the_ten_assumptions_that_move_it_most(exported):
    """Issue 20: "check before you submit" on every cover: ten assumed numbers, each with its value, its sourced
    range and how much it moves this prefecture; the prefectures' lists differ."""
    out, _ = exported
    firsts = set()
    for path in out.glob("53????_*.xlsx"):
        values = sheet_values(path, "封面")
        labels = [r[0] for r in values if r and r[0]]
        start = labels.index("提交前请核实")
        items = [r[1] for r in values if r and r[0] and (r[0] == "提交前请核实" or r[0].strip().isdigit())]
        assert len(items) == 10, path.name
        assert [labels[start + i].strip() for i in range(1, 10)] == [str(i) for i in range(2, 11)]
        assert all("公开来源范围" in t and ("万元" in t or "不可行" in t) for t in items), path.name
        firsts.add(items[0])
    assert len(firsts) > 5  # each prefecture its own list


ALLOWED_LATIN = {"SIYB", "default"}  # the training programme's own name; the scenario's name


def test_covers_contain_no_english_sentence(exported):
    out, _ = exported
    for path in out.glob("*.xlsx"):
        for row in sheet_values(path, "封面"):
            if row[0] == "输入标识":  # a hex digest
                continue
            for cell in row:
                if isinstance(cell, str):
                    words = set(re.findall(r"[A-Za-z]{3,}", cell))
                    assert words <= ALLOWED_LATIN, (path.name, cell)


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
    assert ws["A1"].alignment.horizontal == "center" and "A1:N1" in ws.merged_cells
    assert ws["A2"].value == "单位：人次"
    # nested header as printed: 完成培训人数 over 1–9; 2–3 and 8–9 grouped; the 甲 row under it
    assert ws["B3"].value == "完成培训人数" and "B3:J3" in ws.merged_cells
    assert ws["C4"].value.startswith("其中：取得职业资格") and "C4:D4" in ws.merged_cells
    assert ws["D5"].value == "其中：高级工及以上" and ws["J5"].value == "其中：大学生技能培训"
    assert "E4:E5" in ws.merged_cells and "A3:A5" in ws.merged_cells
    assert [ws.cell(6, j).value for j in range(1, 11)] == ["甲", *[str(i) for i in range(1, 10)]]
    assert ws.freeze_panes == "B7"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    wan = load_workbook(out / "532900_大理州.xlsx", data_only=True)["附件1 万人次"]
    _, total = table_rows([tuple(c.value for c in r) for r in wan.iter_rows()])
    assert total[0] == pytest.approx(3.5) and total[8] == pytest.approx(0.05)
    top = wb["前五机构跟踪"]
    assert top["A2"].value == "排名" and top["A3"].value == 1 and top["A7"].value == 5
    assert top["C2"].value.startswith("补贴性培训计划人次")


ANNEX_SHEETS = ["附件1 任务计划表", "附件1 万人次", "附件4 省级项目", "附件5 创业培训"]


def _labelled_rows(ws) -> dict[str, int]:
    return {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, str)}


@pytest.mark.parametrize("name", ["530800_普洱市.xlsx", "530000_云南省.xlsx"])
def test_every_annex_sheet_prints_titles_sums_by_formula_and_flags_differences(exported, name):
    out, _ = exported
    wb = load_workbook(out / name)
    for sheet in ANNEX_SHEETS:
        ws = wb[sheet]
        rows = _labelled_rows(ws)
        first = rows.get("甲", 4) + 1
        assert ws.print_title_rows == f"$3:${first - 1}", sheet  # the header rows repeat on every page
        assert "第 &P 页 共 &N 页" in ws.oddFooter.center.text
        assert ws.sheet_properties.pageSetUpPr.fitToPage  # one page wide (1 is the file format's default width)
        assert (ws.page_setup.fitToWidth or 1) == 1 and (ws.page_setup.fitToHeight or 1) in (0, 1)
        assert ws.print_options.horizontalCentered
        s, d, p = rows["计算合计"], rows["差额"], rows["下达数"]
        assert ws.cell(s, 2).value == f"=SUM(B{first}:B{p - 1})", sheet
        assert ws.cell(d, 2).value.replace("ROUND(", "").startswith(f"=B{s}-B{p}"), sheet
        red = [r for r in ws.conditional_formatting if f"B{d}" in str(r.sqref)]
        assert red and red[0].rules[0].operator == "notEqual", sheet
        texts = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
        assert any(t.startswith("填报单位（盖章）") for t in texts) and "联系电话：" in texts and "填报人：" in texts
    a1 = wb["附件1 任务计划表"]
    r = _labelled_rows(a1)["甲"] + 1
    assert a1.cell(r, 11).value == f"=MAX(0,C{r}-B{r})"  # 2 ≤ 1
    assert a1.cell(r, 14).value == f"=MAX(0,MAX(E{r}:I{r})-B{r})"  # 4–8 ≤ 1
    wan = wb["附件1 万人次"]
    assert wan.cell(r, 2).value == f"='附件1 任务计划表'!B{r}/10000"  # 万人次 follows 人次 by formula


def test_province_sheet_shows_the_notice_own_column_6_gap(exported):
    """The 16 prefectures' column 6 sums to 10,100 (4,200 + 1,000 + … + 100) against the printed 10,000."""
    out, _ = exported
    ws = load_workbook(out / "530000_云南省.xlsx", data_only=True)["附件1 任务计划表"]
    rows = _labelled_rows(ws)
    assert ws.cell(rows["计算合计"], 7).value == sum(v[5] for v in ANNEX1.values()) == 10100
    assert ws.cell(rows["下达数"], 7).value == 10000 and ws.cell(rows["差额"], 7).value == 100
    flagged = ws.cell(rows["下达数"], 7)
    assert flagged.fill.fgColor.rgb.endswith("FFD966") and "10,100" in flagged.comment.text
    assert ws.cell(rows["差额"], 2).value == 0
    zt = load_workbook(out / "530600_昭通市.xlsx")["附件1 任务计划表"]
    printed = zt.cell(_labelled_rows(zt)["下达数"], 9)  # column 8
    assert printed.value == 500 and "应为 700" in printed.comment.text


def test_default_as_of_is_the_notice_date_and_overdue_only_when_asked(tmp_path):
    plan, problem, solution = _tiny_solution(tmp_path)
    b = county_breakdown(plan, problem, solution)
    export_workbooks(tmp_path / "a", b, plan, "t", problem.params, input_id="test")
    cover = {r[0]: r[1] for r in sheet_values(tmp_path / "a" / "530100_昆明市.xlsx", "封面") if r and r[0]}
    assert cover["剩余天数"] == "18 天" and cover["截至日期"].startswith("2022-02-11")  # 11 Feb → 1 Mar
    export_workbooks(tmp_path / "b", b, plan, "t", problem.params, dt.date(2022, 3, 4), input_id="test")
    cover = {r[0]: r[1] for r in sheet_values(tmp_path / "b" / "530100_昆明市.xlsx", "封面") if r and r[0]}
    assert cover["剩余天数"] == "已逾期 3 天"


@pytest.mark.parametrize(("method", "name"), [("hamilton", "最大余数法（"
                                                           "汉密尔顿法）"), ("webster", "圣拉古法/韦伯斯特法"),
                                              ("dhondt", "洪德法（最高均数法）"), ("huntington_hill", "亨廷顿—希尔法")])
def test_cover_names_the_method(tmp_path, method, name):
    plan, problem, solution = _tiny_solution(tmp_path)
    export_workbooks(tmp_path / "o", county_breakdown(plan, problem, solution, method), plan, "t", problem.params,
                     input_id="test")
    cover = {r[0]: r[1] for r in sheet_values(tmp_path / "o" / "530300_曲靖市.xlsx", "封面") if r and r[0]}
    assert cover["分解方法"].startswith(name + "：")


def _edited_and_recalculated(src, tmp_path, edit) -> object:
    """Edit a workbook with openpyxl (formulas lose their cached values), let LibreOffice recalculate it."""
    from optimizer.outputs.workbook import convert_with_libreoffice

    wb = load_workbook(src)
    edit(wb)
    edited = tmp_path / "edited" / src.name
    edited.parent.mkdir()
    wb.save(edited)
    (recalculated,) = convert_with_libreoffice([edited], tmp_path / "recalculated", "xlsx")
    return load_workbook(recalculated, data_only=True)


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
def test_raising_one_county_by_100_shows_difference_100_after_recalculation(exported, tmp_path):
    out, _ = exported

    def raise_simao(wb):
        ws = wb["附件1 任务计划表"]
        r = _labelled_rows(ws)["思茅区"]
        ws.cell(r, 5).value += 100  # column 4
        ws.cell(r, 3).value = ws.cell(r, 2).value + 1  # column 2 above column 1: the 2 ≤ 1 check turns positive

    # The counties add up to the printed figures, so each 差额 is 0 before the edit and, after it, the edited cell's
    # new value minus its old one: column 4 + 100, column 2 (column 1 + 1) − (old column 2). Since issue 13 思茅区's
    # column 2 covers the certificate-class trainees the plan places there (breakdown.covering_floor), so it follows
    # the solve (1,730 before issue 13, 4,515 now; other values where the class MIP stops at its time limit): the
    # old values are read from the exported workbook, the 差额 computed here by hand from them.
    before = load_workbook(out / "530800_普洱市.xlsx")["附件1 任务计划表"]
    r = _labelled_rows(before)["思茅区"]
    col1, col2 = before.cell(r, 2).value, before.cell(r, 3).value
    assert col2 < col1 + 1  # the edit raises column 2, so its 差额 is positive
    wb = _edited_and_recalculated(out / "530800_普洱市.xlsx", tmp_path, raise_simao)
    ws = wb["附件1 任务计划表"]
    rows = _labelled_rows(ws)
    assert [ws.cell(rows["差额"], j).value for j in range(2, 11)] == [0, col1 + 1 - col2, 0, 100, 0, 0, 0, 0, 0]
    assert ws.cell(rows["思茅区"], 11).value == 1 and ws.cell(rows["宁洱哈尼族彝族自治县"], 11).value == 0
    wan = wb["附件1 万人次"]
    assert wan.cell(rows["差额"], 5).value == pytest.approx(0.01)


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


def _write_weights(path, rows: list[tuple[str, str, str, float]]):
    path.write_text("adcode,table,column,weight\n" + "".join(f"{a},{t},{c},{w}\n" for a, t, c, w in rows),
                    encoding="utf-8")
    return path


def test_weights_change_only_the_group_they_name(tmp_path):
    """曲靖市 (麒麟区 1, 沾益区 3) Annex 1 column 4 = 60: by Hamilton 15 / 45 unless 沾益区's column 1 caps it;
    every other cell equals the default run's."""
    from optimizer.outputs.breakdown import load_county_weights

    plan, problem, solution = _tiny_solution(tmp_path)
    default = county_breakdown(plan, problem, solution)
    path = _write_weights(tmp_path / "w.csv", [("530302", "annex1", "4", 1), ("530303", "annex1", "4", 3)])
    weighted = county_breakdown(plan, problem, solution, "hamilton", load_county_weights(path, plan.counties))
    a, b = default.long(), weighted.long()
    named = (b["prefecture"] == "曲靖市") & (b["table"] == "annex1") & (b["column"] == "4")
    pd.testing.assert_frame_equal(a[~named], b[~named])
    col1 = weighted.annex1.set_index("adcode")["col1"]
    cap = int(col1["530303"])
    expected = [15, 45] if cap >= 45 else [60 - cap, cap]
    assert list(b[named].sort_values("adcode")["value"]) == expected


def test_a_partial_group_is_refused_naming_the_missing_counties(tmp_path):
    from optimizer.errors import InputError
    from optimizer.outputs.breakdown import load_county_weights

    plan = load_plan()
    path = _write_weights(tmp_path / "w.csv", [("530102", "annex1", "4", 5), ("530103", "annex1", "4", 1),
                                               ("530302", "annex5", "siyb", 1)])
    with pytest.raises(InputError) as exc:
        load_county_weights(path, plan.counties)
    messages = [p.message for p in exc.value.problems]
    assert len(messages) == 2  # 昆明市 column 4 (12 of 14 missing) and 曲靖市 siyb (8 of 9 missing)
    kunming = next(m for m in messages if m.startswith("昆明市"))
    assert "缺 12 个，共 14 个" in kunming and "官渡区（530111）" in kunming and "安宁市（530181）" in kunming
    assert "五华区" not in kunming
    qujing = next(m for m in messages if m.startswith("曲靖市"))
    assert "沾益区（530303）" in qujing and "宣威市（530381）" in qujing


def test_a_group_the_breakdown_does_not_apportion_is_refused(tmp_path):
    """Column 7 follows Annex 5's county totals where the two agree (both 0 in the tiny instance): weights on it
    would be ignored, so they are an error."""
    from optimizer.errors import InputError
    from optimizer.outputs.breakdown import load_county_weights

    plan, problem, solution = _tiny_solution(tmp_path)
    path = _write_weights(tmp_path / "w.csv", [("530302", "annex1", "7", 1), ("530303", "annex1", "7", 3)])
    with pytest.raises(InputError, match="不按权重分解"):
        county_breakdown(plan, problem, solution, "hamilton", load_county_weights(path, plan.counties))
    path = _write_weights(tmp_path / "w5.csv", [("530302", "annex1", "5", 1), ("530303", "annex1", "5", 3)])
    with pytest.raises(InputError, match="应为以下之一"):
        load_county_weights(path, plan.counties)


def test_cover_states_the_weights_per_group(tmp_path):
    from optimizer.outputs.breakdown import load_county_weights

    plan, problem, solution = _tiny_solution(tmp_path)
    path = _write_weights(tmp_path / "w.csv", [("530302", "annex1", "4", 1), ("530303", "annex1", "4", 3)])
    weighted = county_breakdown(plan, problem, solution, "hamilton", load_county_weights(path, plan.counties))
    export_workbooks(tmp_path / "w", weighted, plan, "t", problem.params, input_id="id-weighted",
                     extra_cover_rows=[("主要假设", "测试行")])

    def cover(folder, name):
        return [r for r in sheet_values(tmp_path / folder / name, "封面") if r and r[1]]

    qj = [r[1] for r in cover("w", "530300_曲靖市.xlsx")]
    assert any("附件1 第4栏" in v and "w.csv" in v and "麒麟区 1、沾益区 3" in v for v in qj)
    km = [r[1] for r in cover("w", "530100_昆明市.xlsx")]
    assert not any("w.csv" in v for v in km) and any(v.startswith("其余各栏：按2020年常住人口") for v in km)
    rows = {r[0]: r[1] for r in cover("w", "530100_昆明市.xlsx") if r[0]}
    assert rows["输入标识"] == "id-weighted" and rows["主要假设"] == "测试行"  # the pipeline's id; extra rows


def test_cli_weights_for_one_prefecture_leave_the_others_as_default(exported, tmp_path, capsys):
    """Shipped data: equal weights for 昆明市's 14 counties in column 4 change that column only."""
    out, _ = exported
    plan = load_plan()
    kunming = sorted(plan.counties.loc[plan.counties["prefecture_adcode"] == "530100", "adcode"])
    path = _write_weights(tmp_path / "w.csv", [(c, "annex1", "4", 1) for c in kunming])
    assert main(["export", "--out", str(tmp_path / "o"), "--as-of", "2022-02-15", "--weights", str(path)]) == 0
    read = {k: pd.read_csv(f / "breakdown.csv", encoding="utf-8-sig", dtype={"adcode": str, "column": str})
            for k, f in (("default", out), ("weighted", tmp_path / "o"))}
    named = (read["weighted"]["prefecture"] == "昆明市") & (read["weighted"]["table"] == "annex1") & \
        (read["weighted"]["column"] == "4")
    pd.testing.assert_frame_equal(read["default"][~named], read["weighted"][~named])
    assert read["weighted"][named]["value"].sum() == 20000
    # 20,000 = 14 × 1,428 + 8: equal remainders, so the first 8 counties by code get 1,429 (stated tie rule)
    assert list(read["weighted"][named].sort_values("adcode")["value"]) == [1429] * 8 + [1428] * 6
    path = _write_weights(tmp_path / "p.csv", [(c, "annex1", "4", 1) for c in kunming[:3]])
    assert main(["export", "--out", str(tmp_path / "p"), "--weights", str(path)]) == 2
    err = capsys.readouterr().err
    assert "缺 11 个，共 14 个" in err and "安宁市（530181）" in err


def test_pdf_where_libreoffice_is_missing_is_a_clear_message(tmp_path, capsys, monkeypatch):
    import optimizer.outputs.workbook as wb

    data = write(tmp_path / "data", Tiny(offers=base_offers()))
    monkeypatch.setattr(wb, "soffice", lambda: None)
    assert main(["export", "--data", str(data), "--out", str(tmp_path / "o"), "--pdf"]) == 0
    assert "未生成 PDF：本机未安装 LibreOffice" in capsys.readouterr().err
    assert len(list((tmp_path / "o").glob("*.xlsx"))) == 3 and not list((tmp_path / "o").glob("*.pdf"))


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
def test_pdf_of_each_workbook(tmp_path):
    data = write(tmp_path / "data", Tiny(offers=base_offers()))
    assert main(["export", "--data", str(data), "--out", str(tmp_path / "o"), "--pdf"]) == 0
    pdfs = sorted(p.name for p in (tmp_path / "o").glob("*.pdf"))
    assert pdfs == ["530000_云南省.pdf", "530100_昆明市.pdf", "530300_曲靖市.pdf"]
    assert all((tmp_path / "o" / p).read_bytes().startswith(b"%PDF") for p in pdfs)


def test_the_schools_sheet_totals_to_annex1_column_5(exported):
    """The 技工院校 sheet had no 合计 row: it now sums (by formula, value cached) to the prefecture's Annex 1
    column 5 as the notice prints it (临沧市 1.4 万 = 14,000; 昆明市 5 万 = 50,000) and to the solve's classes."""
    out, school = exported
    for file, code, target in (("530900_临沧市.xlsx", "530900", 14_000), ("530100_昆明市.xlsx", "530100", 50_000)):
        rows = sheet_values(out / file, "技工院校")
        total = next(r for r in rows if r[0] == "合计")
        mine = school[school["adcode"].str[:4] == code[:4]]
        assert total[3] == target == mine["trainees"].sum()
        assert total[4] == sum(r[4] for r in rows[2:] if r[0] not in ("合计", None))
