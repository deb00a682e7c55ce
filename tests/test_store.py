"""Issue 18: the plan store on SQLite and, when YUNNAN_PLAN_TEST_PG_URL is set (.ci/run starts a server), on
PostgreSQL — the same tests on both."""

from __future__ import annotations

import json
import os

import pytest

from optimizer.cli import main

PG_URL = os.environ.get("YUNNAN_PLAN_TEST_PG_URL")


def _reset_postgres(url: str) -> None:
    """An empty database for each test: drop what an earlier test made."""
    from sqlalchemy import create_engine, text

    from optimizer.store import to_url

    engine = create_engine(to_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS outputs, runs, alembic_version CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path, monkeypatch) -> str:
    import optimizer.store as store

    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("YUNNAN_PLAN_TEST_PG_URL not set (.ci/run starts a PostgreSQL server and sets it)")
        _reset_postgres(PG_URL)
        url = PG_URL
    else:
        url = str(tmp_path / "plans.sqlite")
    monkeypatch.setenv("YUNNAN_PLAN_DB", url)
    monkeypatch.setattr(store, "_OPEN", {})
    yield url
    for opened in store._OPEN.values():
        opened.close()


def test_migrations_make_the_schema(store_url):
    from sqlalchemy import inspect, text

    from optimizer.store import open_store

    s = open_store()
    assert s.url.startswith("postgresql+psycopg://" if store_url.startswith("postgresql") else "sqlite:///")
    assert {"runs", "outputs", "alembic_version"} <= set(inspect(s.engine).get_table_names())
    with s.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"


def test_head_revision_is_alembics_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from optimizer.store import HEAD_REVISION, MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD_REVISION


def test_runs_of_a_sequence_of_commands_are_listed_and_diffed(store_url, tmp_path, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    assert main(["solve", "--out", str(a)]) == 0
    # ρ 0.62: a 2 s solve that changes the allocation (0.7 spent ~12 s in the whole-class stage, for this test
    # and again for the PostgreSQL run)
    assert main(["solve", "--out", str(b), "--cert-share", "0.62"]) == 0
    capsys.readouterr()
    assert main(["runs", "list", "--format", "json"]) == 0
    runs = json.loads(capsys.readouterr().out)
    assert [r["command"] for r in runs] == ["solve", "solve"]
    assert runs[0]["id"] > runs[1]["id"]  # newest first
    assert {"id", "command", "input_id", "status", "created"} <= set(runs[0])
    assert runs[0]["input_id"] != runs[1]["input_id"]  # ρ is part of the inputs
    assert all(r["status"] == "optimal" for r in runs)

    assert main(["runs", "diff", str(runs[1]["id"]), str(runs[0]["id"]), "--format", "json"]) == 0
    diff = json.loads(capsys.readouterr().out)
    obj_a = json.loads((a / "summary.json").read_text(encoding="utf-8"))["objective"]
    obj_b = json.loads((b / "summary.json").read_text(encoding="utf-8"))["objective"]
    row = next(r for r in diff["key_figures"] if r["key"] == "objective")
    assert (row["a"], row["b"]) == (obj_a, obj_b)
    assert row["difference"] == pytest.approx(obj_b - obj_a)
    assert {"key": "cert_share", "a": None, "b": 0.62} in diff["settings"]
    assert "school_allocation.csv" in {f["name"] for f in diff["files"]}  # the allocation changed
    assert main(["runs", "diff", str(runs[1]["id"]), str(runs[0]["id"])]) == 0
    text = capsys.readouterr().out  # Chinese by default: the objective by name, in 万元, with B − A
    assert f"目标值：{obj_a / 10_000:,.2f} 万元 → {obj_b / 10_000:,.2f} 万元" in text, text
    summary_b = json.loads((b / "summary.json").read_text(encoding="utf-8"))
    assert main(["runs", "show", str(runs[0]["id"])]) == 0
    shown = capsys.readouterr().out  # the gap a percentage (it read 3.78e-04), trainee-km to the kilometre
    assert f"整数差距：{summary_b['integer_gap']:.2%}" in shown
    assert f"学员公里数：{round(summary_b['trainee_km']):,}" in shown


def test_a_submitted_export_links_later_runs(store_url, tmp_path, capsys):
    from optimizer.store import open_store

    s = open_store()
    solve = s.record("solve", "in1", {}, "optimal", {"objective": 1.0}, [])
    early = s.record("progress", "in1", {}, "ok", {}, [])
    export = s.record("export", "in1", {}, "optimal", {}, [tmp_path])
    assert main(["runs", "submit", str(solve)]) == 2  # only an export can be submitted
    assert main(["runs", "submit", str(export)]) == 0
    later = s.record("replan", "in1", {}, "optimal", {}, [])
    other_input = s.record("progress", "in2", {}, "ok", {}, [])
    assert s.get(early).parent_id is None  # nothing was submitted yet
    assert s.get(later).parent_id == export
    assert s.get(other_input).parent_id == export  # no submitted export of its own inputs: the latest one
    capsys.readouterr()
    assert main(["runs", "show", str(export), "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["submitted"] and [r["id"] for r in shown["linked"]] == [later, other_input]
    assert main(["runs", "show", "99999"]) == 2


def test_a_store_that_cannot_be_written_does_not_fail_the_command(tmp_path, monkeypatch, capsys):
    import optimizer.store as store

    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("YUNNAN_PLAN_DB", f"sqlite:///{blocker}/inside/plans.sqlite")  # a file as a folder
    monkeypatch.setattr(store, "_OPEN", {})
    assert main(["solve", "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "未能记录本次运行" in err
    assert (tmp_path / "out" / "summary.json").exists()


def test_default_location_is_the_users_data_folder(monkeypatch, tmp_path):
    from optimizer.store import default_url, to_url

    monkeypatch.delenv("YUNNAN_PLAN_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_url() == f"sqlite:///{tmp_path}/yunnan-plan/plans.sqlite"
    assert to_url("postgresql://u@h:5/db") == "postgresql+psycopg://u@h:5/db"
    assert to_url("sqlite:///x.db") == "sqlite:///x.db"


def _history_page():
    from optimizer.messages import set_language
    from optimizer.ui.history import render

    set_language("zh")
    render()


def test_history_page_lists_shows_and_diffs_runs(store_url, monkeypatch):
    import sys

    from streamlit.testing.v1 import AppTest

    # AppTest.from_function leaves its temporary script as __main__; spawned worker processes of later tests
    # would try to run it: restore the real one afterwards
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])

    from optimizer.store import open_store

    s = open_store()
    a = s.record("solve", "in1", {"cert_share": 0.6}, "optimal", {"objective": 100.0}, [])
    b = s.record("solve", "in2", {"cert_share": 0.7}, "optimal", {"objective": 130.0}, [])
    export = s.record("export", "in1", {}, "optimal", {}, [])
    at = AppTest.from_function(_history_page, default_timeout=60).run()
    assert not at.exception
    runs = at.dataframe[0].value
    assert runs["编号"].tolist() == [export, b, a]
    assert runs["命令"].tolist() == ["export", "solve", "solve"]
    at.selectbox(key="history_a").set_value(a)
    at.selectbox(key="history_b").set_value(b)
    at.run()
    diff = next(d.value for d in at.dataframe if "key" in d.value.columns and "objective" in d.value["key"].tolist())
    row = diff[diff["key"] == "objective"].iloc[0]
    assert (row["a"], row["b"], row["difference"]) == ("100.0", "130.0", 30.0)
    at.button(key="history_submit").click().run()  # the newest run, shown first, is the export
    assert s.get(export).submitted is not None
