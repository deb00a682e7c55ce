"""The loaded annexes against values typed independently from the notice (shared/seed)."""

from decimal import Decimal

import pytest

from optimizer import rules
from optimizer.data.loader import load_plan
from optimizer.messages import language


@pytest.fixture(scope="module")
def plan():
    return load_plan()


def a1(plan, label, col):
    row = plan.annex1[plan.annex1["label"] == label]
    return row[f"col{col}"].iloc[0]


def test_annex1_cells_and_province_row(plan):
    # typed from the notice's Annex 1 table
    assert a1(plan, "昆明市", 1) == Decimal("15.50")
    assert a1(plan, "丽江市", 2) == Decimal("0.27")
    assert a1(plan, "昭通市", 4) == Decimal("3.00")
    assert a1(plan, "德宏州", 8) == Decimal("0")
    assert a1(plan, "西双版纳州", 3) == Decimal("0.12")
    province = [a1(plan, "全省", c) for c in range(1, 10)]
    assert province == [Decimal(x) for x in ("60", "25", "10", "20", "20", "1", "6", "2", "0.85")]
    assert len(plan.annex1) == 17


def test_annex1_in_persons_is_exact(plan):
    persons = plan.annex1_persons().set_index("label")
    assert persons.loc["全省", "col9"] == 8500  # 0.85 万, never 8,499.99…
    assert persons.loc["昆明市", "col3"] == 43500
    assert persons.loc["丽江市", "col3"] == 1800
    assert persons.loc["全省", "col1"] == 600000


def test_wan_conversion_refuses_fractions_of_a_person():
    assert rules.wan_to_persons(Decimal("0.85")) == 8500
    assert rules.wan_to_persons(Decimal("0.0001")) == 1
    with pytest.raises(ValueError):
        rules.wan_to_persons(Decimal("0.00005"))


def test_annex2(plan):
    quotas = dict(zip(plan.annex2["school"], plan.annex2["quota"], strict=True))
    assert len(quotas) == 33
    assert quotas["云南技师学院"] == 20000
    assert quotas["云南工业技师学院"] == 15000
    assert quotas["红河技师学院"] == 9000
    assert quotas["云南锡业集团高级技工学校"] == 7000
    assert quotas["昆明华航技校"] == 1000
    assert plan.annex2_total_wan == Decimal("20")


def test_annex3(plan):
    a3 = plan.annex3.set_index("seq")
    assert len(a3) == 7
    assert a3.loc["一", "url"] == "http://www.danengshou.com"
    assert a3.loc["四", "contact"] == "兰洁"
    assert a3.loc["七", "platform"] == "云南省职业技能网络培训平台"
    assert a3.loc["二", "phone"] == "010-84661161、13910770983"


def test_annex4_cells_and_printed_totals(plan):
    cells = {(r.prefecture, r.unit): r.trainees for r in plan.annex4.itertuples()}
    assert len(cells) == 16 * 7
    assert cells[("530100", "u01")] == 7600  # 昆明市, 建投
    assert cells[("530900", "u07")] == 5500  # 临沧市, 茶叶流通协会
    assert cells[("530300", "u03")] == 95  # 曲靖市, 交投
    assert cells[("533300", "u05")] == 200  # 怒江州, 一心堂
    col_totals = dict(zip(plan.annex4_col_totals["unit"], plan.annex4_col_totals["printed"], strict=True))
    assert col_totals == {"u01": 10000, "u02": 4000, "u03": 3000, "u04": 800, "u05": 10200, "u06": 16000,
                          "u07": 16000}
    row_totals = dict(zip(plan.annex4_row_totals["label"], plan.annex4_row_totals["printed"], strict=True))
    assert row_totals == {
        "昆明市": 17240, "曲靖市": 2745, "玉溪市": 1200, "保山市": 3100, "昭通市": 1775, "丽江市": 1490,
        "普洱市": 5230, "临沧市": 8200, "楚雄州": 2100, "红河州": 4750, "文山州": 2820, "西双版纳州": 2910,
        "大理州": 4040, "德宏州": 1800, "怒江州": 200, "迪庆州": 400,
    }
    assert plan.annex4_grand_total == 60000


def test_annex5(plan):
    a5 = plan.annex5.set_index("label")
    assert a5.loc["昆明市", "total"] == 8500
    assert a5.loc["版纳州", "prefecture"] == "532800"  # printed 版纳州, resolved to 西双版纳州
    assert a5.loc["楚雄州", "livestream"] == 1000
    assert a5.loc["临沧市", "online"] == 2800
    assert plan.annex5_totals == {"total": 60000, "siyb": 25000, "college_siyb": 5700, "online": 35000,
                                  "college_online": 5900, "livestream": 6000}


def test_counties_copied_with_their_facts(plan):
    c = plan.counties
    assert len(c) == 129
    assert c["population_2020"].sum() == 47209277  # 七普 provincial total (PROVENANCE.md)
    by_pref = c.groupby("prefecture_adcode")["population_2020"].sum()
    assert by_pref["530100"] == 8460088
    assert by_pref["533400"] == 387511
    assert c.groupby("prefecture_adcode").size()["532500"] == 13
    dali = c.set_index("adcode").loc["532901"]
    assert dali["county"] == "大理市"
    # PROVENANCE.md: 大理市 → Xiaguan, 100.2414, 25.5931 (rounded to 4 places there)
    assert (dali["lon"], dali["lat"]) == (pytest.approx(100.2414, abs=1e-4), pytest.approx(25.5931, abs=1e-4))


def test_prefecture_names_and_aliases(plan):
    idx = plan.prefecture_names
    assert idx.resolve("版纳州") == "532800"
    assert idx.resolve("楚雄彝族自治州") == "532300"
    assert idx.resolve("大 理 州") == "532900"
    assert idx.resolve("大连市") is None
    assert idx.resolve("昆明") == "530100"
    assert idx.unknown_message("大里州") == "未知的州（市）；是否为 大理州？"  # Chinese by default
    with language("en"):
        assert idx.unknown_message("大里州") == "unknown prefecture; did you mean 大理州?"
    assert idx.suggest("普耳市") == "普洱市"


def test_assumed_inputs_are_complete(plan):
    assert len(plan.courses) >= 40
    assert set(plan.annex2["institution"]) <= set(plan.institutions["code"])
    schools = plan.institutions[plan.institutions["is_school"]]
    assert len(schools) == 33
    # every course in the catalogue obeys R1, R5 and R6 (the loader refuses otherwise)
    cert = plan.courses[plan.courses["certificate_class"]]
    assert (cert["class_hours"] >= 120).all()
    assert (plan.courses["max_class_size"] <= 60).all()
    ent = plan.courses[plan.courses["certificate_type"] == "创业培训"]
    assert (ent["max_class_size"] <= 30).all() and len(ent) >= 1
    groups_needed = {"construction", "metallurgy", "transport", "energy", "pharmacy", "tea", "elderly_care",
                     "tourism", "agriculture", "ecommerce"}
    assert groups_needed <= set(plan.courses["group"])
    assert set(plan.unit_scope["unit"]) == set(plan.units["code"])
    assert plan.debarments.empty


def test_sources_md_documents_every_file_and_column():
    from optimizer.data.schema import SCHEMAS
    from tests.conftest import DATA

    text = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    for path in DATA.glob("*.csv"):
        assert f"`{path.name}`" in text, path.name
    for name, schema in SCHEMAS.items():
        section = text.split(f"### `{name}.csv`")[1].split("### ")[0]
        for column in schema.column_names:
            assert f"`{column}`" in section, (name, column)


def test_every_row_of_an_assumed_table_has_a_basis():
    import csv

    from optimizer.data.schema import SCHEMAS
    from tests.conftest import DATA

    for name, schema in SCHEMAS.items():
        if "basis" not in schema.column_names:
            continue
        with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                assert row["basis"].startswith(("notice", "reference", "assumed")), (name, row)
