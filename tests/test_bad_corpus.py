"""The bad-input corpus (tests/fixtures/bad/, written by tools/make_bad_corpus.py): every file gives the
documented exit status and a message naming file, row or line, and field (or the flag) and the value — from
the CLI, the library (one exception type carrying the list of problems) and, for a sample, the UI. No case
prints a traceback or leaves an output behind. Cases that would exhaust memory or time without their limit
run in child processes under a 2 GB address-space limit and a time bound, several at once."""

from __future__ import annotations

import csv
import os
import resource
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from optimizer.cli import main
from optimizer.data.loader import load_plan
from optimizer.data.schema import TABLE_ORDER
from optimizer.errors import InputError
from optimizer.messages import current_language, set_language
from tests.conftest import DATA, ROOT

BAD = ROOT / "tests" / "fixtures" / "bad"
with open(BAD / "manifest.csv", encoding="utf-8", newline="") as f:
    ALL = list(csv.DictReader(f))
CASES = [r for r in ALL if r["replaces"] != "scenario-base"]
IN_PROCESS = [c for c in CASES if not c["memory"]]
BOUNDED = [c for c in CASES if c["memory"]]
MEMORY_LIMIT = 2 * 1024**3  # bytes of address space for each child
TIME_LIMIT = 90  # seconds for each child (they end in a few; a hang or a swap storm ends here)


@pytest.fixture(autouse=True)
def english():
    """The manifest's words are the English messages."""
    before = current_language()
    set_language("en")
    yield
    set_language(before)


def test_the_corpus_is_large_enough():
    assert len(ALL) >= 80
    assert {c["replaces"] for c in CASES} >= {"annex1_targets", "annex2_school_quotas", "annex4_project_trainees",
                                              "annex5_entrepreneurship", "courses", "institutions", "units", "counties",
                                              "weights", "lots", "scenario", "flags", "prefectures", "offers",
                                              "debarments", "profession_focus"}
    assert all((BAD / c["file"]).is_file() for c in ALL)


def data_with(case: dict, folder: Path) -> tuple[Path, str]:
    """A copy of the shipped tables with the case's file in place of its table."""
    folder.mkdir(parents=True)
    for path in DATA.glob("*.csv"):
        shutil.copy(path, folder / path.name)
    name = case["replaces"]
    (folder / f"{name}.csv").unlink()
    target = folder / f"{name}{Path(case['file']).suffix}"
    shutil.copy(BAD / case["file"], target)
    return folder, target.name


def argv_for(case: dict, tmp: Path) -> tuple[list[str], list[str]]:
    """(command line, extra words the message must hold) for a case; outputs go to tmp/out."""
    argv, extra = _argv_for(case, tmp)
    return ["--lang", "en", *argv], extra


def _argv_for(case: dict, tmp: Path) -> tuple[list[str], list[str]]:
    out = str(tmp / "out")
    file = str(BAD / case["file"])
    replaces = case["replaces"]
    if replaces in TABLE_ORDER:
        folder, table_file = data_with(case, tmp / "data")
        return ["check", "--data", str(folder)], [table_file] if case["exit"] == "2" else []
    if replaces == "weights":
        return ["export", "--out", out, "--weights", file, "--as-of", "2022-02-11"], []
    if replaces == "lots":
        return ["shortlist", "--out", out, "--lots", file], []
    if replaces == "flags":
        lines = (BAD / case["file"]).read_text(encoding="utf-8").splitlines()
        return [_expand(a, tmp) for a in lines] + ["--out", out], []
    return ["solve", file, "--out", out], [case["file"]]


def _expand(arg: str, tmp: Path) -> str:
    """{bad}: this folder; {data_with:FILE}: a copy of the shipped data with corpus FILE in its table's place."""
    if arg.startswith("{data_with:") and arg.endswith("}"):
        other = next(c for c in ALL if c["file"] == arg[len("{data_with:"):-1])
        return str(data_with(other, tmp / "data")[0])
    return arg.replace("{bad}", str(BAD))


def assert_outcome(case: dict, code: int, text: str, out: Path, extra: list[str]) -> None:
    """Exit status, every word of the manifest (and the file's name), no traceback, nothing written."""
    assert code == int(case["exit"]), text[-2000:]
    for word in [*case["words"].split("|"), *extra]:
        assert word in text, (word, text[-2000:])
    assert "Traceback" not in text, text[-2000:]
    if case["exit"] == "2":
        assert not out.exists() or not any(out.iterdir()), sorted(p.name for p in out.iterdir())


@pytest.mark.parametrize("case", IN_PROCESS, ids=[c["file"] for c in IN_PROCESS])
def test_cli_exit_status_and_message(case, tmp_path, capsys):
    argv, extra = argv_for(case, tmp_path)
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse refuses a flag's value itself (exit 2, flag and value named)
        code = exc.code
    out = capsys.readouterr()
    assert_outcome(case, code, out.out + out.err, tmp_path / "out", extra)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _run_bounded(case: dict, tmp: Path) -> tuple[int, str, float, list[str]]:
    argv, extra = argv_for(case, tmp)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "YUNNAN_PLAN_LANG": "en", "YUNNAN_PLAN_CACHE": str(tmp / "cache")}
    start = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-m", "optimizer", *argv], capture_output=True, text=True, env=env,
                              timeout=TIME_LIMIT, preexec_fn=_limit_memory, cwd=tmp)
    except subprocess.TimeoutExpired:
        return -1, f"timed out after {TIME_LIMIT} s", TIME_LIMIT, extra
    return done.returncode, done.stdout + done.stderr, time.monotonic() - start, extra


@pytest.fixture(scope="module")
def bounded_runs(tmp_path_factory):
    """Every memory-bound case, run in child processes four at a time."""
    tmps = {c["file"]: tmp_path_factory.mktemp(Path(c["file"]).stem) for c in BOUNDED}
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {c["file"]: pool.submit(_run_bounded, c, tmps[c["file"]]) for c in BOUNDED}
        return {name: (*f.result(), tmps[name]) for name, f in futures.items()}


@pytest.mark.parametrize("case", BOUNDED, ids=[c["file"] for c in BOUNDED])
def test_unbounded_inputs_end_in_seconds_under_a_memory_limit(case, bounded_runs):
    code, text, seconds, extra, tmp = bounded_runs[case["file"]]
    assert_outcome(case, code, text, tmp / "out", extra)
    assert seconds < 60, seconds


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


@pytest.mark.parametrize("name", ["courses_bad_certificate_type.csv", "offers_unknown_course.csv", "courses_empty.csv",
                                  "courses_zero_width_space.csv", "courses_cell_at_xfd1048576.xlsx"])
def test_the_ui_shows_the_same_message(name):
    from streamlit.testing.v1 import AppTest

    set_language("zh")  # the workspace's default, as the page shows it
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


# -- files that are not regular files: made here (git keeps no pipes, devices or looping links) ---------------

def _special(kind: str, path: Path) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")  # a device read would never end
    elif kind == "loop":
        path.symlink_to(path.name)  # a link to itself
    else:
        path.mkdir()


@pytest.mark.parametrize(("kind", "words"), [("fifo", "not a regular file"), ("device", "not a regular file"),
                                             ("loop", "symbolic link loop"), ("folder", "not a regular file")])
def test_a_table_that_is_not_a_regular_file_is_refused_at_once(kind, words, data_copy, capsys):
    (data_copy / "offers.csv").unlink()
    _special(kind, data_copy / "offers.csv")
    assert main(["--lang", "en", "check", "--data", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert f"offers.csv: {words}" in err and "Traceback" not in err


@pytest.mark.parametrize(("kind", "words"), [("fifo", "not a regular file"), ("device", "not a regular file"),
                                             ("loop", "symbolic link loop")])
def test_a_scenario_or_upload_that_is_not_a_regular_file_is_refused(kind, words, tmp_path, capsys):
    scenario = tmp_path / "s.yaml"
    _special(kind, scenario)
    weights = tmp_path / "w.csv"
    _special(kind, weights)
    assert main(["--lang", "en", "export", str(scenario), "--weights", str(weights),
                 "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"s.yaml: {words}" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_base_that_loops_through_links_is_refused(tmp_path, capsys):
    (tmp_path / "a.yaml").write_text("base: loop.yaml\n", encoding="utf-8")
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    assert main(["--lang", "en", "solve", str(tmp_path / "a.yaml"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "loop.yaml: symbolic link loop" in err and "Traceback" not in err


def test_two_bad_tables_are_listed_together(data_copy, capsys):
    for name in ("courses_r6_hours.csv", "offers_price_1e400.csv"):
        shutil.copy(BAD / name, data_copy / f"{name.split('_')[0]}.csv")
    assert main(["--lang", "en", "check", "--data", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "courses.csv, row 37, column 'class_hours'" in err
    assert "offers.csv, row 3, column 'price_per_trainee'" in err


def test_messages_of_the_limits_are_chinese_by_default(tmp_path, capsys):
    assert main(["--lang", "zh", "solve", str(BAD / "scenario_many_aliases.yaml"),
                 "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "scenario_many_aliases.yaml，第 2 行：YAML 别名（*）过多：最多 100 个" in err


def test_user_text_is_shown_as_text_not_markdown():
    """A bad cell holding Markdown (an image fetched from elsewhere) is shown inside a code span it cannot
    close: the fence is longer than any run of backticks in the text."""
    from streamlit.testing.v1 import AppTest

    from optimizer.ui.pages import as_code

    assert as_code("a`b") == "``a`b``"
    assert as_code("`x`") == "`` `x` ``"
    assert as_code("plain") == "`plain`"
    payload = "`![i](http://evil.example/i.png)`"
    good = (DATA / "courses.csv").read_text(encoding="utf-8")
    row = "k11,焊工,manufacturing,职业技能等级证书,四级,"
    bad = good.replace(row + "160", row + payload)
    at = AppTest.from_string("from optimizer.ui import pages\npages.plan_data_page()", default_timeout=120).run()
    at.selectbox(key="assumed_table").set_value("courses").run()
    at.file_uploader(key="upload_courses").set_value(("courses.csv", bad.encode("utf-8"), "text/csv")).run()
    assert not at.exception
    shown = [m.value for m in at.markdown if "evil.example" in m.value]
    assert shown and all(m.startswith("- ``") and m.endswith("``") and "```" not in m for m in shown), shown
