"""The Streamlit app, driven headless with AppTest."""

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, set_cell

APP = str(ROOT / "app.py")


def test_plan_page_shows_annexes_and_warns_of_findings():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "9 处不一致" in at.warning[0].value
    assert len(at.dataframe) == 5  # one per annex tab
    at.radio(key="annex1_unit").set_value("人次").run()
    assert not at.exception
    annex1 = at.dataframe[0].value
    assert annex1.loc["全省", "9"] == "8500"


def test_findings_page_lists_the_findings():
    at = AppTest.from_function(_findings_only, default_timeout=60).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"error": "6", "warning": "2", "info": "1"}


def _findings_only():
    from optimizer.ui import pages

    pages.findings_page()


def test_bad_data_folder_shows_problems_not_a_traceback(data_copy):
    set_cell(data_copy / "annex1_targets.csv", "昆明市", "col1", "abc")

    def page():
        from optimizer.ui import pages

        pages.plan_data_page()

    at = AppTest.from_function(page, default_timeout=60)
    at.session_state["data_dir"] = str(data_copy)
    at.run()
    assert not at.exception
    assert "could not be read" in at.error[0].value
    problems = at.dataframe[0].value
    assert list(problems["row"]) == [3] and list(problems["column"]) == ["col1"]
