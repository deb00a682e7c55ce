"""The consistency check on the real notice, against findings worked out by hand from shared/seed.

Hand arithmetic (人次):
- Annex 1 column 6: 4200+1000+1000+300+200+300+200+400+400+700+400+100+600+100+100+100 = 10,100;
  the 全省 row prints 1 万 = 10,000.
- Note under Annex 1 (column 8 = Annex 5 college SIYB + college online + column 9):
  昭通 200+200+300 = 700 vs 500; 普洱 300+300+500 = 1,100 vs 1,600; 楚雄 600+600+600 = 1,800 vs 1,600;
  文山 200+300+400 = 900 vs 700; 全省 5,700+5,900+8,500 = 20,100 vs 20,000.
  Every other prefecture agrees (e.g. 昆明 2,500+2,500+2,800 = 7,800 = 0.78 万).
- Every other column of Annex 1, every row and column of Annex 4 and 5, Annex 2 (20 万) and the
  text's figures agree.
- Names: Annex 5 prints 版纳州 (alias of 西双版纳州); Annex 4 prints 一心堂药业集团有限公司 and 云南省总工会
  where the text prints 一心堂药业集团股份有限公司 and 云南省总商会.
"""

import json

import pytest

from optimizer.data.check import FINDING_KEYS, check_plan_consistency, findings_to_json, findings_to_text
from optimizer.data.loader import load_plan
from tests.conftest import read_rows, set_cell, write_rows

HAND_WORKED = {
    ("annex1.column_sum", "全省", "6", 10100, 10000),
    ("annex1_annex5.college", "昭通市", "8", 700, 500),
    ("annex1_annex5.college", "普洱市", "8", 1100, 1600),
    ("annex1_annex5.college", "楚雄州", "8", 1800, 1600),
    ("annex1_annex5.college", "文山州", "8", 900, 700),
    ("annex1_annex5.college", "全省", "8", 20100, 20000),
}


def numeric(findings):
    return {(f.rule, f.row, f.column, f.expected, f.found) for f in findings if f.difference is not None}


def test_real_notice_findings_match_the_hand_worked_list():
    findings = check_plan_consistency(load_plan())
    assert numeric(findings) == HAND_WORKED
    for f in findings:
        if f.difference is not None:
            assert f.difference == f.found - f.expected
    names = {(f.rule, f.found) for f in findings if f.difference is None}
    assert names == {
        ("names.alias", "版纳州"),
        ("names.text_vs_annex", "一心堂药业集团有限公司"),
        ("names.text_vs_annex", "云南省总工会"),
    }


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "expected_new"),
    [
        # Annex 1 昆明市 column 1 15.50 → 15.60: the column sum is off by +1,000
        ("annex1_targets.csv", "昆明市", "col1", "15.60", {("annex1.column_sum", "全省", "1", 601000, 600000)}),
        # 丽江市 column 3 0.18 → 0.28 > column 2 0.27: hierarchy, and the column-3 sum moves by +1,000
        ("annex1_targets.csv", "丽江市", "col3", "0.28",
         {("annex1.hierarchy", "丽江市", "3", "<= 2700", 2800), ("annex1.column_sum", "全省", "3", 101000, 100000)}),
        # Annex 5 临沧市 total 3300 → 3400: total ≠ SIYB + online, the total column sum, Annex 1 col 7
        ("annex5_entrepreneurship.csv", "16", "total", "3400",
         {("annex5.total_parts", "临沧市", "total", 3300, 3400), ("annex5.column_sum", "合计", "total", 60100, 60000),
          ("annex1_annex5.entrepreneurship", "临沧市", "7", 3400, 3300)}),
        # Annex 4 曲靖市 交投 95 → 96: row sum and column sum
        ("annex4_project_trainees.csv", "曲靖市", "云南省交通投资建设集团有限公司", "96",
         {("annex4.row_sum", "曲靖市", "全省合计", 2746, 2745),
          ("annex4.column_sum", "州市汇总", "云南省交通投资建设集团有限公司", 3001, 3000)}),
        # Annex 2 云南技师学院 2 → 2.1 万: the printed 合计 20 no longer matches the schools
        ("annex2_school_quotas.csv", "1", "quota_wan", "2.1", {("annex2.total", "合计", "quota", 201000, 200000)}),
    ],
)
def test_one_mutated_cell_gives_exactly_the_expected_findings(data_copy, file, row, column, value, expected_new):
    set_cell(data_copy / file, row, column, value)
    findings = check_plan_consistency(load_plan(data_copy))
    assert numeric(findings) - HAND_WORKED == expected_new


def test_livestream_above_online_is_reported(data_copy):
    set_cell(data_copy / "annex5_entrepreneurship.csv", "14", "livestream", "250")  # 怒江州 online is 200
    findings = check_plan_consistency(load_plan(data_copy))
    hits = [f for f in findings if f.rule == "annex5.within" and f.row == "怒江州"]
    assert [(h.column, h.found, h.difference) for h in hits] == [("livestream", 250, 50)]


def test_fixing_the_discrepancies_leaves_only_name_findings(data_copy):
    set_cell(data_copy / "annex1_targets.csv", "全省", "col6", "1.01")
    for label, value in (("昭通市", "0.07"), ("普洱市", "0.11"), ("楚雄州", "0.18"), ("文山州", "0.09")):
        set_cell(data_copy / "annex1_targets.csv", label, "col8", value)
    # the corrected column 8 now sums to 2.01; the 全省 row follows
    set_cell(data_copy / "annex1_targets.csv", "全省", "col8", "2.01")
    findings = check_plan_consistency(load_plan(data_copy))
    rules_left = {f.rule for f in findings}
    # 1.01 万 and 2.01 万 now disagree with the text's 1 万 and 2 万: the text figures are checked too
    assert rules_left == {"names.alias", "names.text_vs_annex", "notice_text.figure"}
    text = [f for f in findings if f.rule == "notice_text.figure"]
    assert {(f.column, f.expected, f.found) for f in text} == {
        ("apprenticeship", 10100, 10000), ("college", 20100, 20000), ("note_college_total", 20100, 20000)}


def test_json_output_has_fixed_keys():
    findings = check_plan_consistency(load_plan())
    data = json.loads(findings_to_json(findings))
    assert data and all(tuple(d) == FINDING_KEYS for d in data)


def test_text_output_is_grouped_with_chinese_names():
    text = findings_to_text(check_plan_consistency(load_plan()))
    assert "[annex1_annex5.college]" in text and "昭通市" in text and "云南省总商会" in text
    assert text.index("[annex1.column_sum]") < text.index("[annex1_annex5.college]")


@pytest.mark.parametrize(("lang", "where"), [("zh", "附件4 一心堂药业集团有限公司（u05） 表头"),
                                             ("en", "annex4 一心堂药业集团有限公司 (u05) col header")])
def test_check_names_a_unit_not_only_its_code(capsys, lang, where):
    """The officer reads the unit's name (data/units.csv u05, as Annex 4 prints it), not 附件4 u05 表头 单位 u05："""
    from optimizer.cli import main

    assert main(["--lang", lang, "check"]) == 1
    line = next(x for x in capsys.readouterr().out.splitlines() if "u05" in x)
    assert where in line and "单位 u05" not in line and "unit u05" not in line


def test_annex4_without_unit_rows_still_checks_headers(data_copy):
    rows = read_rows(data_copy / "annex4_project_trainees.csv")
    rows[0][6] = "云南省总商会"  # the text's spelling: also accepted, resolves to u06
    write_rows(data_copy / "annex4_project_trainees.csv", rows)
    plan = load_plan(data_copy)
    assert set(plan.annex4["unit"]) == {f"u0{i}" for i in range(1, 8)}
