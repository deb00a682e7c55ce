"""The Streamlit workspace driven headless with AppTest: every page's main path."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

TIMEOUT = 300


def frame_with(at: AppTest, column: str):
    """The first dataframe shown that has ``column`` (AppTest does not expose dataframe keys)."""
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no dataframe with column {column!r}")


def page(name: str) -> AppTest:
    return AppTest.from_string(f"from optimizer.ui import pages\npages.{name}()", default_timeout=TIMEOUT)


def test_router_opens_on_plan_data_in_chinese_and_switches_to_english():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == "计划数据与检查"
    assert "9 处不一致" in at.warning[0].value
    at.sidebar.radio(key="lang").set_value("English").run()
    assert not at.exception
    assert at.title[0].value == "Plan data and checks"
    assert "9 inconsistencies" in at.warning[0].value


def test_plan_page_highlights_and_converts_units():
    at = page("plan_data_page").run()
    assert not at.exception
    at.radio(key="annex1_unit").set_value("人次").run()
    assert at.dataframe[0].value.loc["全省", "9"] == "8500"
    assert {m.label: m.value for m in at.metric} == {"error": "6", "warning": "2", "info": "1"}


def test_bad_upload_names_file_row_and_column_and_is_not_used():
    at = page("plan_data_page").run()
    at.selectbox(key="assumed_table").set_value("courses").run()
    good = (ROOT / "data" / "courses.csv").read_text(encoding="utf-8")
    row = "k11,焊工,manufacturing,职业技能等级证书,四级,"
    bad = good.replace(row + "160", row + "abc")
    at.file_uploader(key="upload_courses").set_value(("courses.csv", bad.encode("utf-8"), "text/csv")).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any("courses.csv" in e for e in errors)
    text = " ".join(m.value for m in at.markdown)
    assert "courses.csv，第 12 行，列“class_hours”：expected a number" in text
    assert "uploads" not in at.session_state or not at.session_state["uploads"]


def test_good_upload_is_used():
    at = page("plan_data_page").run()
    at.selectbox(key="assumed_table").set_value("debarments").run()
    data = b"institution,decision_date,years,reason,basis\ns33,2021-05-01,3,test,assumed: test\n"
    at.file_uploader(key="upload_debarments").set_value(("取消资格.csv", data, "text/csv")).run()
    assert not at.exception
    assert "debarments" in at.session_state["uploads"]


def test_allocate_solves_the_baseline_then_an_infeasible_scenario():
    at = page("allocate_page").run()
    at.button(key="solve").click().run()
    assert not at.exception
    assert "独立校验：无违规" in at.success[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["培训费用"] == "308,628,980"
    at.sidebar.selectbox(key="alloc_scenario").set_value("stress_infeasible.yaml").run()
    at.button(key="solve").click().run()
    assert not at.exception
    assert at.error[0].value.startswith("方案不可行")
    assert any("short 3,360 in all" in m.value for m in at.markdown)


def test_an_unchanged_scenario_is_served_from_the_cache():
    from optimizer.ui.state import shipped_source, solve_now

    first = solve_now("baseline.yaml", shipped_source(), "{}")
    second = solve_now("baseline.yaml", shipped_source(), "{}")
    assert first is second and first.solution.ok
    changed = solve_now("baseline.yaml", shipped_source(), '{"cert_share": 0.7}')
    assert changed is not first


def test_compare_page():
    at = page("compare_page").run()
    at.button(key="compare_button").click().run()
    assert not at.exception
    figures = frame_with(at, "figure")
    assert "objective" in set(figures["figure"])


def test_procurement_page_filters_and_rejects_bad_weights():
    at = page("procurement_page").run()
    assert not at.exception
    summary = frame_with(at, "top_three")
    assert len(summary) > 100
    at.checkbox(key="proc_flagged").check().run()
    assert (frame_with(at, "top_three")["flag"] != "").all()
    at.slider(key="proc_price").set_value(0.5).run()
    assert not at.exception
    assert "outside 10%–30%" in at.error[0].value


def test_export_page_banner_preview_and_workbook_bytes():
    at = page("export_page").run()
    assert not at.exception
    assert "还剩 18 天" in at.warning[0].value  # 2022-02-11 → 2022-03-01
    assert at.dataframe[0].value.shape[0] > 3
    # the bytes the download button serves: open with openpyxl and check a column sums to the notice
    from optimizer.ui.pages import workbooks_zip
    from optimizer.ui.state import shipped_source, solve_now, source_key

    solved = solve_now("baseline.yaml", shipped_source(), "{}")
    books = workbooks_zip("baseline.yaml", "{}", source_key(shipped_source()), solved.plan.notice.date, solved)
    wb = load_workbook(io.BytesIO(books["532900_大理州.xlsx"]), read_only=True)
    rows = [r for r in wb["附件1 任务计划表"].iter_rows(min_row=5, values_only=True) if r[0]]
    wb.close()
    total = rows[-1]
    assert total[0] == "合计" and total[1] == 35000
    assert sum(r[1] for r in rows[:-1]) == 35000 and sum(r[5] for r in rows[:-1]) == 14000
    assert len(books) == 18


@pytest.mark.parametrize("lang", ["中文"])
def test_sweep_page(lang, tmp_path, monkeypatch):
    monkeypatch.setenv("YUNNAN_PLAN_CACHE", str(tmp_path))
    at = page("sweep_page").run()
    at.number_input(key="sw_from").set_value(0.6)
    at.number_input(key="sw_to").set_value(0.7)
    at.number_input(key="sw_step").set_value(0.1)
    at.button(key="run_sweep").click().run()
    assert not at.exception
    table = frame_with(at, "cached")
    assert list(table["status"]) == ["optimal", "optimal"]


def test_county_choropleth_from_an_uploaded_geojson():
    """Boundaries are third-party map data and not shipped; the user's file (here the shared reference one,
    which CI lays beside the clone) turns the point map into a choropleth."""
    geojson = ROOT.parent / "shared" / "reference" / "yunnan_counties.geojson"
    at = page("allocate_page").run()
    at.button(key="solve").click().run()
    at.file_uploader(key="geojson").set_value(("yunnan_counties.geojson", geojson.read_bytes(),
                                               "application/geo+json")).run()
    assert not at.exception
    assert not at.error
    charts = at.get("vega_lite_chart")
    assert any("geoshape" in c.proto.spec for c in charts)  # the map is drawn from the county boundaries
