"""The blank templates' 说明 sheet: Chinese by default, English when asked, every column explained."""

import pytest
from openpyxl import load_workbook

from optimizer.data.schema import ACTUALS
from optimizer.data.templates import GUIDE_SHEET, guide_keys, template_tables, write_xlsx_template
from optimizer.messages import CATALOGUE, language

TABLES = [*template_tables(), ACTUALS]


@pytest.mark.parametrize("schema", TABLES, ids=lambda s: s.name)
def test_every_template_column_has_a_meaning_in_the_catalogue(schema):
    """A column added to a template table without a tpl.col.<table>.<column> entry fails here."""
    missing = [k for k in guide_keys(schema) if k not in CATALOGUE]
    assert not missing
    for c in schema.columns:  # the English is the schema's own wording, so the two cannot drift apart
        en = CATALOGUE[f"tpl.col.{schema.name}.{c.name}"][1].replace("{years}", "3")
        assert en == c.meaning


def _guide(path):
    rows = list(load_workbook(path)[GUIDE_SHEET].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] in ("表头（请勿改动）", "column (keep as is)"))
    return rows[:head], rows[head], {r[0]: r[1:] for r in rows[head + 1:]}


def test_guide_is_chinese_by_default_and_english_with_lang_en(tmp_path):
    offers = next(s for s in TABLES if s.name == "offers")
    write_xlsx_template(offers, tmp_path / "zh.xlsx")
    intro, head, rows = _guide(tmp_path / "zh.xlsx")
    assert head == ("表头（请勿改动）", "类型", "单位", "必填", "含义")
    assert rows["institution"] == ("代码（英文字母与数字）", None, "是", "机构代码（见 institutions 表）")
    assert rows["price_per_trainee"][1] == "元" and "工作表名称“offers”" in intro[2][0]
    assert load_workbook(tmp_path / "zh.xlsx").sheetnames == ["offers", "说明"]  # the loader reads "offers"
    with language("en"):
        write_xlsx_template(offers, tmp_path / "en.xlsx")
    _, head, rows = _guide(tmp_path / "en.xlsx")
    assert head[4] == "meaning" and rows["institution"][3] == "institution code"


def test_choices_and_the_debarment_years_are_filled_in(tmp_path):
    debarments = next(s for s in TABLES if s.name == "debarments")
    write_xlsx_template(debarments, tmp_path / "d.xlsx")
    assert _guide(tmp_path / "d.xlsx")[2]["years"][3] == "取消资格的年限（R14：3 年）"
    write_xlsx_template(ACTUALS, tmp_path / "a.xlsx")
    assert _guide(tmp_path / "a.xlsx")[2]["programme"][3].endswith("。可填：school、unit、other")


def test_a_filled_template_loads_with_its_guide_sheet(data_copy):
    """The 说明 sheet beside the data sheet does not disturb the loader: fill offers.xlsx with the shipped rows."""
    import csv

    from optimizer.data.loader import load_plan

    offers = next(s for s in TABLES if s.name == "offers")
    path = data_copy / "offers.xlsx"
    write_xlsx_template(offers, path)
    with open(data_copy / "offers.csv", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))[1:]
    (data_copy / "offers.csv").unlink()
    book = load_workbook(path)
    for r in rows:
        book["offers"].append(r)
    book.save(path)
    assert len(load_plan(data_copy).offers) == len(rows) > 0
