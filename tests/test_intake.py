"""The province's intake of returned workbooks: export, edit as a bureau would, read back, check, consolidate."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from openpyxl import load_workbook

from optimizer.cli import main
from optimizer.outputs.intake import Evaluator, FormulaError
from optimizer.outputs.workbook import convert_with_libreoffice, soffice


@pytest.fixture(scope="module")
def export_dir(export_folder):
    """The session's export of the shipped plan (as of 2022-02-15)."""
    return export_folder


@pytest.fixture
def returned(export_dir, tmp_path):
    """The 16 prefecture workbooks as the bureaus send them back (a fresh copy a test may edit)."""
    folder = tmp_path / "returned"
    folder.mkdir()
    for path in export_dir.glob("53????_*.xlsx"):
        if not path.name.startswith("530000"):
            shutil.copy(path, folder / path.name)
    return folder


def run_intake(folder, export_dir, tmp_path, capsys) -> tuple[int, dict]:
    status = main(["intake", str(folder), "--plan", str(export_dir), "--format", "json",
                   "--out", str(tmp_path / "result" / "consolidated.xlsx")])
    return status, json.loads(capsys.readouterr().out)


def rows_of(ws) -> dict[str, int]:
    return {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, str)}


def edit(path, change) -> None:
    """Open with openpyxl, change, save (formulas keep no cached value, as after a quick script edit)."""
    wb = load_workbook(path)
    change(wb)
    wb.save(path)


def add(sheet: str, county: str, column: int, delta: int):
    """An edit adding ``delta`` to ``county``'s data column ``column`` (1-based) of ``sheet``."""
    def change(wb):
        ws = wb[sheet]
        cell = ws.cell(rows_of(ws)[county], column + 1)
        cell.value += delta
    return change


def test_an_untouched_set_is_consistent_and_consolidates_to_breakdown_csv(returned, export_dir, tmp_path, capsys):
    status, out = run_intake(returned, export_dir, tmp_path, capsys)
    assert status == 0 and out["findings"] == [] and out["changes"] == []
    assert len(out["files"]) == 16
    consolidated = (tmp_path / "result" / "consolidated.csv").read_bytes()
    assert consolidated == (export_dir / "breakdown.csv").read_bytes()
    wb = load_workbook(tmp_path / "result" / "consolidated.xlsx", read_only=True)
    assert wb.sheetnames == ["附件1 汇总", "附件4 汇总", "附件5 汇总", "检查发现", "变更明细"]
    wb.close()


def test_one_county_raised_exits_1_naming_prefecture_county_and_column(returned, export_dir, tmp_path, capsys):
    edit(returned / "530800_普洱市.xlsx", add("附件1 任务计划表", "思茅区", 4, 100))
    status, out = run_intake(returned, export_dir, tmp_path, capsys)
    assert status == 1
    (finding,) = out["findings"]
    assert (finding["prefecture"], finding["county"], finding["column"]) == ("普洱市", "思茅区", "第4栏")
    assert (finding["expected"], finding["found"], finding["severity"]) == ("14,000", "14,100", "error")
    (change,) = out["changes"]
    assert (change["county"], change["table"], change["column"], change["new"] - change["old"]) == \
        ("思茅区", "annex1", "4", 100)
    consolidated = pd.read_csv(tmp_path / "result" / "consolidated.csv", encoding="utf-8-sig", dtype=str)
    cell = consolidated[(consolidated["county"] == "思茅区") & (consolidated["table"] == "annex1")
                        & (consolidated["column"] == "4")]
    assert int(cell["value"].iloc[0]) == change["new"]


def test_100_moved_between_two_counties_is_consistent_with_both_changes_listed(returned, export_dir, tmp_path,
                                                                                capsys):
    path = returned / "532900_大理州.xlsx"

    def move(wb):  # column 4 of 大理市 → 祥云县 (both have room under column 1)
        add("附件1 任务计划表", "大理市", 4, -100)(wb)
        add("附件1 任务计划表", "祥云县", 4, 100)(wb)

    edit(path, move)
    status, out = run_intake(returned, export_dir, tmp_path, capsys)
    assert status == 0 and out["findings"] == []
    moved = {(c["county"], c["column"]): c["new"] - c["old"] for c in out["changes"]}
    assert moved == {("大理市", "4"): -100, ("祥云县", "4"): 100}


def test_text_output_lists_the_change_in_chinese(returned, export_dir, tmp_path, capsys):
    edit(returned / "530800_普洱市.xlsx", add("附件5 创业培训", "思茅区", 2, 30))
    status = main(["intake", str(returned), "--plan", str(export_dir), "--out", str(tmp_path / "c.xlsx")])
    text = capsys.readouterr().out
    assert status == 1
    assert "普洱市 附件5 创业培训 思茅区 其中：SIYB创业培训任务" in text  # the column sum (2,430 vs 2,400)
    assert "思茅区 创业培训目标任务不等于 SIYB + 网络创业" in text  # the county's own total 917 ≠ 445 + 502
    assert "普洱市 思茅区 附件5 其中：SIYB创业培训任务：415 → 445（+30）" in text


def test_hierarchy_is_checked_per_county(returned, export_dir, tmp_path, capsys):
    """红塔区's column 1 lowered below its column 2, another county's raised by as much: column 1 still sums to
    35,000, but 2 ≤ 1 fails in 红塔区 (and 4–8 ≤ 1 where those exceed the new column 1)."""
    path = returned / "530400_玉溪市.xlsx"
    wb = load_workbook(path)
    ws = wb["附件1 任务计划表"]
    r = rows_of(ws)["红塔区"]
    c = [ws.cell(r, j).value for j in range(2, 11)]
    wb.close()
    delta = c[0] - c[1] + 5
    edit(path, lambda wb: (add("附件1 任务计划表", "红塔区", 1, -delta)(wb),
                           add("附件1 任务计划表", "江川区", 1, delta)(wb)))
    status, out = run_intake(returned, export_dir, tmp_path, capsys)
    assert status == 1
    found = {(f["prefecture"], f["county"], f["column"]): f for f in out["findings"]}
    new1 = c[1] - 5
    expected = {("玉溪市", "红塔区", f"第{k}栏") for k in (2, 4, 5, 6, 7, 8) if c[k - 1] > new1}
    assert set(found) == expected and ("玉溪市", "红塔区", "第2栏") in expected
    f = found[("玉溪市", "红塔区", "第2栏")]
    assert f["found"] == f"{c[1]:,}" and f["expected"] == f"≤ {new1:,}"


def test_counties_unknown_missing_and_twice(returned, export_dir, tmp_path, capsys):
    def damage(wb):
        ws = wb["附件1 任务计划表"]
        rows = rows_of(ws)
        ws.cell(rows["五华区"], 1).value = "五华县"  # unknown: 五华区 now missing
        ws.cell(rows["盘龙区"], 1).value = "麒麟区"  # a county of 曲靖市
        ws.cell(rows["官渡区"], 1).value = "西山区"  # 西山区 twice
    edit(returned / "530100_昆明市.xlsx", damage)
    status, out = run_intake(returned, export_dir, tmp_path, capsys)
    assert status == 1
    messages = " | ".join(f["message"] for f in out["findings"])
    assert "“五华县”不是已知的县（市、区）名称" in messages
    assert "“麒麟区”属于曲靖市" in messages
    assert "“西山区”出现两次" in messages
    assert "缺少 五华区" in messages and "缺少 盘龙区" in messages and "缺少 官渡区" in messages


def test_wrong_prefecture_wrong_year_and_renamed_sheet_are_findings(returned, export_dir, tmp_path, capsys):
    (returned / "530100_昆明市.xlsx").unlink()
    shutil.copy(returned / "530300_曲靖市.xlsx", returned / "530100_昆明市.xlsx")  # 曲靖's file sent as 昆明's

    def older(wb):
        wb["封面"]["B4"].value = "2021年"
        wb["附件4 省级项目"].title = "省级项目"
    edit(returned / "530400_玉溪市.xlsx", older)
    status, out = run_intake(returned, export_dir, tmp_path, capsys)
    assert status == 1
    by = [(f["prefecture"], f["message"]) for f in out["findings"]]
    assert ("曲靖市", "文件 530100_昆明市.xlsx 按文件名应为昆明市，内容却是曲靖市的工作簿；按内容汇总为曲靖市") in by
    assert any(p == "曲靖市" and "不止一个工作簿" in m for p, m in by)
    assert any(p == "昆明市" and "未收到昆明市的工作簿" in m for p, m in by)
    assert ("玉溪市", "年度不符：应为 2022 年，工作簿为 2021 年") in by
    assert any(p == "玉溪市" and "被改名为“省级项目”" in m for p, m in by)


def test_a_formula_typed_into_a_county_cell_is_evaluated(returned, export_dir, tmp_path, capsys):
    """openpyxl keeps no cached value: the intake evaluates =a+b and the Annex 4 row totals itself."""
    def typed(wb):
        ws = wb["附件1 任务计划表"]
        rows = rows_of(ws)
        r = rows["思茅区"]
        v = ws.cell(r, 5).value
        ws.cell(r, 5).value = f"={v - 100}+50+50"
    edit(returned / "530800_普洱市.xlsx", typed)
    status, out = run_intake(returned, export_dir, tmp_path, capsys)
    assert status == 0 and out["changes"] == []


def test_an_unreadable_file_is_a_finding_and_the_others_are_consolidated(returned, export_dir, tmp_path, capsys):
    """A damaged 昆明市 workbook and 曲靖市 sent as .xls stopped the whole intake (exit 2, nothing consolidated):
    now each is a finding naming the file and what to do, both prefectures count as missing (the draft stands
    for them), the other 14 are consolidated, and the exit status is 1 (findings)."""
    (returned / "530100_昆明市.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    (returned / "530300_曲靖市.xlsx").rename(returned / "530300_曲靖市.xls")
    status, out = run_intake(returned, export_dir, tmp_path, capsys)
    assert status == 1
    by_file = {f["file"]: f["message"] for f in out["findings"] if f["file"]}
    assert "无法读取该工作簿" in by_file["530100_昆明市.xlsx"]
    assert "另存为 Excel 工作簿（.xlsx）" in by_file["530300_曲靖市.xls"]
    unread = {f["prefecture"]: f["message"] for f in out["findings"] if "但无法读取" in f["message"]}
    assert set(unread) == {"昆明市", "曲靖市"} and "530300_曲靖市.xls" in unread["曲靖市"]  # came, not "未收到"
    assert not [f for f in out["findings"] if "未收到" in f["message"]]
    assert (tmp_path / "result" / "consolidated.xlsx").exists()


def test_a_folder_without_any_workbook_exits_2(tmp_path, export_dir, capsys):
    folder = tmp_path / "only_xls"
    folder.mkdir()
    (folder / "530300_曲靖市.xls").write_bytes(b"old format")
    status = main(["intake", str(folder), "--plan", str(export_dir), "--out", str(tmp_path / "c.xlsx")])
    err = capsys.readouterr().err
    assert status == 2 and "530300_曲靖市.xls" in err and "另存为 Excel 工作簿（.xlsx）" in err
    assert not (tmp_path / "c.xlsx").exists()


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
def test_a_workbook_saved_again_by_libreoffice_reads_back(returned, export_dir, tmp_path, capsys):
    """Raise 思茅区 column 4 by 100 and let LibreOffice recalculate and save it: the intake sees the change, and
    the workbook's own 差额 row says 100."""
    path = returned / "530800_普洱市.xlsx"
    edit(path, add("附件1 任务计划表", "思茅区", 4, 100))
    (saved,) = convert_with_libreoffice([path], tmp_path / "lo", "xlsx")
    shutil.copy(saved, path)
    ws = load_workbook(path, data_only=True)["附件1 任务计划表"]
    assert ws.cell(rows_of(ws)["差额"], 5).value == 100
    status, out = run_intake(returned, export_dir, tmp_path, capsys)
    assert status == 1 and [(f["county"], f["column"]) for f in out["findings"]] == [("思茅区", "第4栏")]


class _Grid:
    """Cells by (sheet, row, column) for the evaluator: cached values and formulas."""

    def __init__(self, values: dict, formulas: dict):
        self.values, self.formulas = values, formulas
        self.sheetnames = list(values)

    def value(self, sheet, r, c):
        return self.values[sheet].get((r, c))

    def formula(self, sheet, r, c):
        return self.formulas.get(sheet, {}).get((r, c))


def test_evaluator_by_hand():
    grid = _Grid({"S": {(1, 1): 10, (3, 1): 5}, "T 2": {(1, 2): 7}}, {"S": {(2, 1): "=A1*3"}})
    ev = Evaluator(grid)
    assert ev.cell("S", "A2") == 30  # a formula without a cached value
    assert ev.cell("S", "A9") == 0  # a blank cell
    assert ev.evaluate("S", "=SUM(A1:A3)+1") == 10 + 30 + 5 + 1
    assert ev.evaluate("S", "=-(A1-2)/4") == -2
    assert ev.evaluate("S", "=MAX(0,A3-A1)+ABS(-3)+ROUND(2.6)") == 0 + 3 + 3
    assert ev.evaluate("S", "='T 2'!B1*2") == 14
    assert ev.evaluate("S", "=SUM($A$1:A3,'T 2'!B1)") == 10 + 30 + 5 + 7
    with pytest.raises(FormulaError):
        ev.evaluate("S", "=VLOOKUP(A1,A1:A3,1)")


def test_a_second_workbook_an_empty_file_and_a_wrong_year_are_named(returned, export_dir, tmp_path, capsys):
    """Three faults a bureau sends in one folder: a revised 昆明市 workbook beside the first (the finding named
    neither file, so no one knew which had been dropped), a zero-byte 玉溪市 file (its reason was 'BadZipFile:
    File is not a zip file') and a 丽江市 cover for 2021 (the year read '2,021' against '2,022')."""
    shutil.copy(returned / "530100_昆明市.xlsx", returned / "530100_昆明市_修改版.xlsx")
    (returned / "530400_玉溪市.xlsx").write_bytes(b"")

    def older(wb):
        wb["封面"]["B4"].value = "2021年"
    edit(returned / "530700_丽江市.xlsx", older)
    status, out = run_intake(returned, export_dir, tmp_path, capsys)
    assert status == 1
    by = {(f["prefecture"], f["file"]): f for f in out["findings"]}
    twice = by[("昆明市", "530100_昆明市_修改版.xlsx")]
    assert twice["message"] == ("昆明市 收到不止一个工作簿：已汇总 530100_昆明市.xlsx，"
                                "本文件 530100_昆明市_修改版.xlsx 未汇总")
    assert "文件为空，0 字节" in by[("530400_玉溪市.xlsx", "530400_玉溪市.xlsx")]["message"]
    year = by[("丽江市", "530700_丽江市.xlsx")]
    assert (year["expected"], year["found"]) == ("2022", "2021")
