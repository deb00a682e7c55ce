"""The bad-input corpus (tests/fixtures/bad/, written by tools/make_bad_corpus.py): every file gives the
documented exit status and a message naming file, row or line, and field — from the CLI, the library
(one exception type carrying the list of problems) and, for a sample, the UI."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from optimizer.cli import main
from optimizer.data.loader import load_plan
from optimizer.data.schema import TABLE_ORDER
from optimizer.errors import InputError
from tests.conftest import DATA, ROOT

BAD = ROOT / "tests" / "fixtures" / "bad"
with open(BAD / "manifest.csv", encoding="utf-8", newline="") as f:
    CASES = [r for r in csv.DictReader(f) if r["replaces"] != "scenario-base"]


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 30
    assert {c["replaces"] for c in CASES} >= {"annex1_targets", "annex2_school_quotas", "annex4_project_trainees",
                                              "annex5_entrepreneurship", "courses", "institutions", "units", "counties",
                                              "weights", "lots", "scenario"}


def data_with(case: dict, tmp_path: Path) -> tuple[Path, str]:
    folder = tmp_path / "data"
    folder.mkdir()
    for path in DATA.glob("*.csv"):
        shutil.copy(path, folder / path.name)
    name = case["replaces"]
    (folder / f"{name}.csv").unlink()
    target = folder / f"{name}{Path(case['file']).suffix}"
    shutil.copy(BAD / case["file"], target)
    return folder, target.name


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_cli_exit_status_and_message(case, tmp_path, capsys):
    expect = int(case["exit"])
    words = case["words"].split("|")
    if case["replaces"] in TABLE_ORDER:
        folder, table_file = data_with(case, tmp_path)
        code = main(["--lang", "en", "check", "--data", str(folder)])
        if expect == 2:
            words = [*words, table_file]
    elif case["replaces"] == "weights":
        code = main(["--lang", "en", "export", "--out", str(tmp_path / "out"), "--weights", str(BAD / case["file"]),
                     "--as-of", "2022-02-11"])
    elif case["replaces"] == "lots":
        code = main(["--lang", "en", "shortlist", "--out", str(tmp_path / "out"), "--lots", str(BAD / case["file"])])
    else:
        code = main(["--lang", "en", "solve", str(BAD / case["file"]), "--out", str(tmp_path / "out")])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == expect, text[-2000:]
    for word in words:
        assert word in text, (word, text[-2000:])
    if expect == 2:
        assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("*.xlsx"))


@pytest.mark.parametrize("case", [c for c in CASES if c["replaces"] in TABLE_ORDER],
                         ids=[c["file"] for c in CASES if c["replaces"] in TABLE_ORDER])
def test_library_raises_one_exception_type_with_the_fixture_named(case):
    files = {p.stem: (p.name, p.read_bytes()) for p in DATA.glob("*.csv")}
    files[case["replaces"]] = (case["file"], (BAD / case["file"]).read_bytes())
    if case["exit"] != "2":
        plan = load_plan(files)  # accepted, and said so
        assert plan.notes
        return
    with pytest.raises(InputError) as exc:
        load_plan(files)
    assert exc.value.problems and exc.value.problems[0].file == case["file"]
    assert all(p.file for p in exc.value.problems)  # every problem names a file (others may follow from it)


def test_a_file_over_the_size_limit(tmp_path, capsys):
    from optimizer.data.tables import MAX_INPUT_BYTES

    folder = tmp_path / "data"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("templates", "*.md"))
    with open(folder / "offers.csv", "ab") as f:
        line = b"s01,k01,construction,1,200,1390,true,assumed: padding\n"
        f.write(line * (MAX_INPUT_BYTES // len(line) + 10))
    assert main(["--lang", "en", "check", "--data", str(folder)]) == 2
    assert "offers.csv: file is larger than the 20 MB limit" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["courses_bad_certificate_type.csv", "offers_unknown_course.csv", "courses_empty.csv"])
def test_the_ui_shows_the_same_message(name):
    from streamlit.testing.v1 import AppTest

    case = next(c for c in CASES if c["file"] == name)
    table = case["replaces"]
    files = {p.stem: (p.name, p.read_bytes()) for p in DATA.glob("*.csv")}
    files[table] = (name, (BAD / name).read_bytes())
    with pytest.raises(InputError) as exc:
        load_plan(files)
    first = str(exc.value.problems[0])
    at = AppTest.from_string("from optimizer.ui import pages\npages.plan_data_page()", default_timeout=120).run()
    at.selectbox(key="assumed_table").set_value(table).run()
    at.file_uploader(key=f"upload_{table}").set_value((name, (BAD / name).read_bytes(), "text/csv")).run()
    assert not at.exception
    assert any(first in m.value for m in at.markdown), first
