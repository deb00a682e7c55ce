"""Every validation error path: the message names file, row (as a spreadsheet counts), column and value."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from optimizer.data.loader import load_plan
from optimizer.errors import InputError
from optimizer.messages import language
from tests.conftest import read_rows, set_cell, write_rows


@pytest.fixture(autouse=True)
def english():
    """These tests quote the English messages (tests/test_chinese_first.py checks the Chinese ones)."""
    with language("en"):
        yield


def problems_of(folder: Path):
    with pytest.raises(InputError) as exc:
        load_plan(folder)
    return exc.value.problems


def test_wrong_column_name_suggests_the_right_one(data_copy):
    rows = read_rows(data_copy / "courses.csv")
    rows[0][rows[0].index("class_hours")] = "class_hour"
    write_rows(data_copy / "courses.csv", rows)
    found = problems_of(data_copy)
    assert any(p.file == "courses.csv" and p.row == 1 and p.column == "class_hour"
               and "did you mean 'class_hours'" in p.message for p in found)
    assert any(p.column == "class_hours" and "missing" in p.message for p in found)


def test_unknown_prefecture_suggests_the_closest(data_copy):
    set_cell(data_copy / "annex5_entrepreneurship.csv", "8", "prefecture", "普耳市")
    (p,) = problems_of(data_copy)
    assert (p.file, p.row, p.column, p.value) == ("annex5_entrepreneurship.csv", 9, "prefecture", "普耳市")
    assert "did you mean 普洱市?" in p.message


def test_negative_number(data_copy):
    set_cell(data_copy / "annex4_project_trainees.csv", "玉溪市", "云南省总工会", "-700")
    (p,) = problems_of(data_copy)
    assert (p.file, p.row, p.column, p.value) == ("annex4_project_trainees.csv", 5, "云南省总工会", "-700")
    assert "negative" in p.message


def test_non_number_and_all_errors_of_a_file_at_once(data_copy):
    set_cell(data_copy / "annex1_targets.csv", "昆明市", "col2", "十一")
    set_cell(data_copy / "annex1_targets.csv", "迪庆州", "col5", "0.2O")
    found = problems_of(data_copy)
    assert {(p.row, p.column, p.value) for p in found} == {(3, "col2", "十一"), (18, "col5", "0.2O")}
    assert all("expected a number" in p.message for p in found)


def test_duplicate_row(data_copy):
    rows = read_rows(data_copy / "courses.csv")
    rows.append(list(rows[5]))
    write_rows(data_copy / "courses.csv", rows)
    (p,) = problems_of(data_copy)
    assert p.file == "courses.csv" and p.row == len(rows) and "already on row 6" in p.message


def test_gbk_file_is_read_and_said_so(data_copy):
    rows = read_rows(data_copy / "counties.csv")
    write_rows(data_copy / "counties.csv", rows, encoding="gbk")
    plan = load_plan(data_copy)
    assert plan.counties.set_index("adcode").loc["530102", "county"] == "五华区"
    assert any("GB18030" in n for n in plan.notes)


def test_utf8_with_bom_is_read(data_copy):
    rows = read_rows(data_copy / "prefectures.csv")
    write_rows(data_copy / "prefectures.csv", rows, encoding="utf-8-sig")
    assert load_plan(data_copy).prefectures["adcode"].iloc[0] == "530100"


def test_undecodable_file(data_copy):
    (data_copy / "units.csv").write_bytes(b"code,name\n\xff\xfe\xfd\x80\x81,x\n")
    (p,) = problems_of(data_copy)
    assert p.file == "units.csv" and "cannot decode" in p.message


def test_empty_file(data_copy):
    (data_copy / "offers.csv").write_bytes(b"")
    (p,) = problems_of(data_copy)
    assert p.file == "offers.csv" and "empty" in p.message


def test_header_without_rows(data_copy):
    (data_copy / "courses.csv").write_text("code,profession,group,certificate_type,level,class_hours,"
                                           "max_class_size,certificate_class,advanced,basis\n", encoding="utf-8")
    (p,) = problems_of(data_copy)
    assert p.file == "courses.csv" and "no data rows" in p.message


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)


def test_xlsx_is_accepted(data_copy):
    rows = read_rows(data_copy / "courses.csv")
    (data_copy / "courses.csv").unlink()
    typed = [rows[0]] + [[int(c) if c.isdigit() else c for c in r] for r in rows[1:]]
    _workbook(data_copy / "courses.xlsx", {"courses": typed, "说明": [["notes"]]})
    plan = load_plan(data_copy)
    assert plan.courses.set_index("code").loc["k11", "class_hours"] == 160


def test_xlsx_with_a_wrong_sheet(data_copy):
    rows = read_rows(data_copy / "courses.csv")
    (data_copy / "courses.csv").unlink()
    _workbook(data_copy / "courses.xlsx", {"Sheet1": rows, "Sheet2": [["x"]]})
    (p,) = problems_of(data_copy)
    assert p.file == "courses.xlsx" and "no sheet named 'courses'" in p.message and p.value == "Sheet1, Sheet2"


def test_corrupt_xlsx(data_copy):
    (data_copy / "units.csv").unlink()
    (data_copy / "units.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (p,) = problems_of(data_copy)
    assert p.file == "units.xlsx" and "not a readable .xlsx" in p.message


def test_missing_table(data_copy):
    (data_copy / "unit_scope.csv").unlink()
    (p,) = problems_of(data_copy)
    assert p.file == "unit_scope.csv" and "missing" in p.message


def test_full_width_digits_and_thousands_separators_are_accepted_and_noted(data_copy):
    set_cell(data_copy / "annex4_project_trainees.csv", "昆明市", "云南省建设投资控股集团有限公司", "７６００")
    set_cell(data_copy / "annex4_project_trainees.csv", "州市汇总", "全省合计", "60,000")
    plan = load_plan(data_copy)
    cell = plan.annex4[(plan.annex4.prefecture == "530100") & (plan.annex4.unit == "u01")]["trainees"].iloc[0]
    assert cell == 7600 and plan.annex4_grand_total == 60000


def test_rules_of_the_notice_are_enforced_on_the_course_catalogue(data_copy):
    set_cell(data_copy / "courses.csv", "k01", "class_hours", "100")  # R6: ≥ 120 for certificate-class
    set_cell(data_copy / "courses.csv", "k66", "max_class_size", "40")  # R5: entrepreneurship ≤ 30
    set_cell(data_copy / "courses.csv", "k05", "certificate_class", "true")  # R1: 专项职业能力 is not
    found = {(p.row, p.column): p.message for p in problems_of(data_copy)}
    assert found.keys() == {(2, "class_hours"), (67, "max_class_size"), (6, "certificate_class")}
    assert found[(2, "class_hours")].startswith("R6")
    assert found[(67, "max_class_size")].startswith("R5")


def test_reference_to_unknown_codes(data_copy):
    rows = read_rows(data_copy / "offers.csv")
    rows[1][1] = "k99"  # first offer of s01
    write_rows(data_copy / "offers.csv", rows)
    set_cell(data_copy / "institutions.csv", "s02", "county_adcode", "532901")  # 大理市 is not in 昆明市
    found = {(p.file, p.column) for p in problems_of(data_copy)}
    assert found == {("offers.csv", "course"), ("institutions.csv", "county_adcode")}


def test_unknown_school_in_annex2(data_copy):
    set_cell(data_copy / "annex2_school_quotas.csv", "14", "school", "昆明高级技术学校")
    (p,) = problems_of(data_copy)
    assert p.row == 15 and "did you mean 昆明高级技工学校?" in p.message


def test_focus_shares_must_sum_to_one(data_copy):
    rows = read_rows(data_copy / "profession_focus.csv")
    for r in rows[1:]:
        if r[0] == "丽江市" and r[1] == "tourism":
            r[2] = "0.100"
    write_rows(data_copy / "profession_focus.csv", rows)
    (p,) = problems_of(data_copy)
    assert p.file == "profession_focus.csv" and "丽江市" in p.message


def test_uploaded_files_use_the_same_validation():
    from tests.conftest import DATA

    files = {p.stem: (p.name, p.read_bytes()) for p in DATA.glob("*.csv")}
    assert len(load_plan(files).courses) >= 40
    files["units"] = ("单位.csv", b"code,name\n")
    with pytest.raises(InputError) as exc:
        load_plan(files)
    assert any(p.file == "单位.csv" and p.column == "name_in_text" for p in exc.value.problems)
