"""Issue 12: one pipeline, one input identity, one run per output folder, verify, layers, any year's notice."""

from __future__ import annotations

import ast
import csv
import json
import random
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from optimizer.cli import main
from optimizer.data.loader import load_plan
from optimizer.data.scenario import load_scenario
from optimizer.outputs.writer import OutputError, OutputSet
from optimizer.pipeline import file_identity, input_identity, prepare
from tests.conftest import DATA, ROOT, read_rows, set_cell, write_rows

SCEN = ROOT / "scenarios"
PACKAGE = ROOT / "optimizer"
TABLES = ("school_allocation.csv", "project_allocation.csv", "institution_load.csv")


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


# -- one pipeline -----------------------------------------------------------------------------------------

def _calls(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.func.id if isinstance(n.func, ast.Name) else n.func.attr for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name | ast.Attribute)}


def test_only_the_pipeline_joins_the_stages():
    """build_problem → allocate → verify happens in pipeline.py alone; the CLI, workspace, sweep and the
    benchmark call run_scenario (the model layer's own internals aside)."""
    joined = []
    for path in [*PACKAGE.rglob("*.py"), ROOT / "benchmarks" / "run.py", ROOT / "app.py"]:
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("optimizer/model/") or rel == "optimizer/pipeline.py":
            continue
        calls = _calls(path)
        if {"build_problem", "allocate"} & calls:
            joined.append(rel)
    assert joined == []
    for rel in ("optimizer/cli.py", "optimizer/ui/state.py", "optimizer/analysis/sweep.py", "benchmarks/run.py"):
        assert "run_scenario" in _calls(ROOT / rel), rel


# -- layers -----------------------------------------------------------------------------------------------

LAYERS = {"rules": 0, "errors": 0, "messages": 0, "workdays": 0, "data": 1, "model": 2, "outputs": 3,
          "procurement": 3, "tracking": 3, "store": 3, "pipeline": 4, "analysis": 5, "cli": 6, "ui": 6,
          "__main__": 7}


def _layer(module: str) -> tuple[str, int] | None:
    parts = module.split(".")
    if parts[0] != "optimizer":
        return None
    if len(parts) == 1:
        return ("optimizer", 0)
    return (parts[1], LAYERS.get(parts[1], -1))


def test_no_lower_layer_imports_a_higher_one():
    """data → model → outputs/procurement → pipeline → analysis → cli/ui; every module belongs to a layer."""
    wrong, unknown = [], []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__")
        own = _layer(rel)
        if own is None or own[1] == -1:
            unknown.append(rel)
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for target in targets:
                dep = _layer(target)
                if dep is None or dep[0] == own[0]:
                    continue
                if dep[1] == -1 or dep[1] > own[1]:
                    wrong.append(f"{rel} imports {target}")
    assert unknown == [] and wrong == []


def test_layer_check_catches_an_upward_import(tmp_path, monkeypatch):
    """The check itself: a data module importing the pipeline is reported."""
    fake = PACKAGE / "data" / "_layer_probe.py"
    fake.write_text("from optimizer.pipeline import run_scenario  # noqa: F401\n", encoding="utf-8")
    try:
        with pytest.raises(AssertionError):
            test_no_lower_layer_imports_a_higher_one()
    finally:
        fake.unlink()


def _module_name(path: Path) -> str:
    return path.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__")


def _load_time_imports(tree: ast.Module, modules: set[str]):
    """The package modules a module imports when it is loaded: not inside functions, not under TYPE_CHECKING
    (``from optimizer.model import report`` counts as optimizer.model.report)."""
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield from (f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                        for a in node.names)
        else:
            for part in ("body", "orelse", "finalbody", "handlers"):
                stack.extend(getattr(node, part, None) or [])


def _import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Cycles found by a depth-first search (each as the path that closes it)."""
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, path)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    return cycles


def test_no_import_cycle_when_modules_load():
    """Issue 12 item 6: solve.py's jobs live in their own modules (solvers, rounding, decomposition, results, the
    class step) and no module needs a module that needs it back at load time (decomposition's worker calls
    ``allocate``, so that function lives in solve.py). The search itself reports a two-module cycle."""
    assert _import_cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b", "a"]]
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {m: {t for t in _load_time_imports(ast.parse(p.read_text(encoding="utf-8")), set(files))
                 if t in files and t != m} for m, p in files.items()}
    assert {"optimizer.model.solvers", "optimizer.model.rounding", "optimizer.model.decomposition",
            "optimizer.model.results", "optimizer.model.class_step"} <= graph["optimizer.model.solve"]
    assert _import_cycles(graph) == []


def test_no_posix_only_import():
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not {"fcntl", "termios", "pwd", "grp"} & set(names), path


# -- a folder holds one run -------------------------------------------------------------------------------

def test_infeasible_after_solved_leaves_no_allocation_and_back(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["solve", str(SCEN / "baseline.yaml"), "--out", str(out)]) == 0
    assert all((out / t).is_file() for t in TABLES) and not (out / "diagnosis.json").exists()
    assert main(["solve", str(SCEN / "stress_infeasible.yaml"), "--out", str(out)]) == 3
    assert not any((out / t).exists() for t in (*TABLES, "classes.csv"))
    manifest = _manifest(out)
    assert manifest["status"] == "infeasible" and manifest["command"] == "solve"
    assert set(manifest["files"]) == {"summary.json", "diagnosis.json", "timings.json"}
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["input_id"] == manifest["input_id"]
    assert main(["solve", str(SCEN / "baseline.yaml"), "--out", str(out)]) == 0
    assert not (out / "diagnosis.json").exists() and _manifest(out)["status"] == "optimal"
    assert sorted(p.name for p in out.iterdir()) == sorted([*TABLES, "classes.csv", "summary.json", "timings.json",
                                                           "manifest.json"])


def test_a_killed_runs_staging_folder_is_removed_and_foreign_files_are_never_replaced(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".staging-killed").mkdir()
    (out / ".staging-killed" / "half.csv").write_text("x", encoding="utf-8")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    outputs = OutputSet(out, "solve", "abc")
    outputs.json("summary.json", {"a": 1})
    outputs.commit()
    assert not (out / ".staging-killed").exists() and (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    # a data table in the folder is not this tool's: templates refuse to replace it (exit 5), nothing changes
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("templates"))
    before = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
    assert main(["templates", "--out", str(data)]) == 5
    assert {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()} == before


def test_a_write_error_of_any_library_leaves_nothing(tmp_path):
    out = tmp_path / "out"

    def broken(path: Path) -> None:
        from xlsxwriter.exceptions import FileCreateError

        raise FileCreateError("disk full (simulated)")

    outputs = OutputSet(out, "compare", "x")
    outputs.json("comparison.json", {})
    outputs.file("comparison.xlsx", broken)
    with pytest.raises(OutputError):
        outputs.commit()
    assert list(out.iterdir()) == []


def test_a_folder_where_a_file_goes_leaves_nothing_and_is_named(tmp_path):
    """intake --out x.xlsx beside a folder x.xlsx: the run said 未写入任何文件 (exit 5) naming its staging
    folder, but x.csv, moved before the folder stopped it, stayed behind with no manifest listing it."""
    out = tmp_path / "out"
    (out / "b.xlsx").mkdir(parents=True)
    outputs = OutputSet(out, "intake", "x")
    outputs.json("a.csv", {})
    outputs.json("b.xlsx", {})
    with pytest.raises(OutputError) as caught:
        outputs.commit()
    assert sorted(p.name for p in out.iterdir()) == ["b.xlsx"] and (out / "b.xlsx").is_dir()
    assert ".staging-" not in str(caught.value) and "b.xlsx" in str(caught.value)


def test_nan_never_reaches_a_json_file(tmp_path):
    outputs = OutputSet(tmp_path / "o", "solve", "x")
    with pytest.raises(ValueError):
        outputs.json("summary.json", {"objective": float("nan")})


# -- input identity ---------------------------------------------------------------------------------------

def _identity(data: Path | None = None, scenario: Path | None = None, extra: dict | None = None) -> str:
    _, plan, params, _ = prepare(scenario, data=data)
    return input_identity(plan, params, extra)


def test_input_id_differs_with_settings_data_and_flags_and_ignores_row_order(data_copy, tmp_path):
    base = _identity(scenario=SCEN / "baseline.yaml")
    assert base != _identity(scenario=SCEN / "cert_share_70.yaml")
    assert _identity(scenario=SCEN / "baseline.yaml", extra={"method": "hamilton"}) != \
        _identity(scenario=SCEN / "baseline.yaml", extra={"method": "webster"})
    w1, w2 = tmp_path / "w1.csv", tmp_path / "w2.csv"
    w1.write_text("adcode,table,column,weight\n530102,annex1,4,1\n", encoding="utf-8")
    w2.write_text("adcode,table,column,weight\n530102,annex1,4,2\n", encoding="utf-8")
    assert _identity(extra={"weights": file_identity(w1)}) != _identity(extra={"weights": file_identity(w2)})
    shipped = _identity(data=data_copy)
    # shuffled rows of every table: the same id
    shuffled = tmp_path / "shuffled"
    shutil.copytree(data_copy, shuffled)
    rng = random.Random(7)
    for path in shuffled.glob("*.csv"):
        rows = read_rows(path)
        if path.name.startswith("annex4"):
            continue  # Annex 4 is a printed wide table: its row order is its layout
        body = rows[1:]
        rng.shuffle(body)
        write_rows(path, [rows[0], *body])
    assert _identity(data=shuffled) == shipped
    # one cell changed: another id
    rows = read_rows(data_copy / "offers.csv")
    col = rows[0].index("price_per_trainee")
    assert rows[1][col] != "1999"
    rows[1][col] = "1999"
    write_rows(data_copy / "offers.csv", rows)
    assert _identity(data=data_copy) != shipped


def test_export_covers_and_manifest_carry_the_input_id(tmp_path, export_folder):
    """Hamilton (the default method): the session's export of the shipped plan as of 2022-02-15; Webster exported
    here as of the same day, so the method is the only difference between the two."""
    ids = {}
    for method in ("hamilton", "webster"):
        out = export_folder if method == "hamilton" else tmp_path / method
        if method != "hamilton":
            assert main(["export", str(SCEN / "baseline.yaml"), "--out", str(out), "--method", method,
                         "--as-of", "2022-02-15"]) == 0
        assert _manifest(out)["as_of"] == "2022-02-15"
        ids[method] = _manifest(out)["input_id"]
        book = openpyxl.load_workbook(out / "530100_昆明市.xlsx", read_only=True)
        cover = "\n".join(str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c)
        book.close()
        assert ids[method] in cover
    assert ids["hamilton"] != ids["webster"]


# -- verify -----------------------------------------------------------------------------------------------

def test_verify_uses_the_scenarios_changed_capacity(tmp_path, capsys, shipped):
    """capacity_loss halves 云南技师学院 (s01). Whole classes of other s01 courses are re-labelled onto one s01 offer
    (same county, same class size; school_allocation.csv and classes.csv changed together), so every total and
    every class sum holds and only the offer's capacity and class slots — as the scenario changed them — are
    broken; against the base data the same tables break neither. The solve's folder is written by the `solve`
    command's own staging from the session's solve of capacity_loss (the command itself: test_shipped_solve)."""
    from optimizer.cli import commit, stage_run

    out = tmp_path / "out"
    loss = shipped("capacity_loss")
    outputs = OutputSet(out, "solve", loss.input_id, status=loss.status)
    stage_run(outputs, loss)
    commit(outputs)
    assert main(["verify", str(out), str(SCEN / "capacity_loss.yaml")]) == 0
    seats = loss.problem.offers.set_index(["institution", "course"])["seats"]
    base_seats = shipped("baseline").problem.offers.set_index(["institution", "course"])["seats"]
    x = pd.read_csv(out / "school_allocation.csv", encoding="utf-8-sig", dtype={"adcode": str})
    classes = pd.read_csv(out / "classes.csv", encoding="utf-8-sig", dtype={"adcode": str, "unit_code": str})
    used = classes.groupby(["institution_code", "course_code"])["trainees"].sum()
    s01 = [k for k in used.index if k[0] == "s01" and seats[k] < base_seats[k]]
    target = min(s01, key=lambda k: (seats[k] - used[k], k))  # the fullest reduced s01 offer
    room, base_room = seats[target] - used[target], base_seats[target] - used[target]
    size = 30 if "创业" in x.loc[x["course_code"] == target[1], "certificate_type"].iat[0] else 60
    movable = classes[(classes["institution_code"] == "s01") & (classes["programme"] == "school")
                      & (classes["course_code"] != target[1]) & (classes["trainees"] <= size)]
    moved, picked = 0, []
    for i, n in movable["trainees"].items():
        if moved > room:
            break
        picked.append(i)
        moved += int(n)
    assert room < moved <= base_room, "the tamper must break the scenario's capacity but not the base data's"
    template = x[x["course_code"] == target[1]].iloc[0]
    for i in picked:
        county, course, n = classes.at[i, "adcode"], classes.at[i, "course_code"], int(classes.at[i, "trainees"])
        classes.at[i, "course_code"] = target[1]
        old = x.index[(x["school_code"] == "s01") & (x["adcode"] == county) & (x["course_code"] == course)][0]
        x.loc[old, ["trainees", "classes"]] = [x.at[old, "trainees"] - n, x.at[old, "classes"] - 1]
        new = x.index[(x["school_code"] == "s01") & (x["adcode"] == county) & (x["course_code"] == target[1])]
        if len(new):
            x.loc[new[0], ["trainees", "classes"]] = [x.at[new[0], "trainees"] + n, x.at[new[0], "classes"] + 1]
        else:
            row = x.loc[old].copy()
            for column in ("course", "course_code", "certificate_type", "level"):
                row[column] = template[column]
            row["trainees"], row["classes"] = n, 1
            x = pd.concat([x, row.to_frame().T], ignore_index=True)
    x = x[x["trainees"] > 0]
    x.to_csv(out / "school_allocation.csv", index=False, encoding="utf-8-sig")
    classes.to_csv(out / "classes.csv", index=False, encoding="utf-8-sig")
    capsys.readouterr()
    assert main(["verify", str(out), str(SCEN / "capacity_loss.yaml"), "--format", "json"]) == 1
    found = json.loads(capsys.readouterr().out)["violations"]
    rules = {(v["rule"], v["where"]) for v in found}
    assert ("capacity (R5–R7)", f"s01 {target[1]}") in rules  # class slots may fire too, at the same offer only
    assert rules <= {("capacity (R5–R7)", f"s01 {target[1]}"), ("class slots (R6, R7)", f"s01 {target[1]}")}
    assert main(["verify", str(out), str(SCEN / "baseline.yaml"), "--format", "json"]) in (0, 1)
    rules = {v["rule"] for v in json.loads(capsys.readouterr().out)["violations"]}
    assert not rules & {"capacity (R5–R7)", "class slots (R6, R7)"}  # the base data allows it


def test_verify_bad_input_exits_2_naming_file_row_and_column(tmp_path, capsys):
    assert main(["verify", str(tmp_path / "nowhere")]) == 2
    assert "nowhere" in capsys.readouterr().err
    assert main(["verify", str(tmp_path)]) == 2  # no manifest.json: which scenario? it says so
    assert "manifest.json" in capsys.readouterr().err
    assert main(["verify", str(tmp_path), str(SCEN / "baseline.yaml")]) == 2
    assert "school_allocation.csv" in capsys.readouterr().err
    (tmp_path / "school_allocation.csv").write_text("hello,world\n1,2\n", encoding="utf-8")
    (tmp_path / "project_allocation.csv").write_text(
        "unit_code,prefecture,adcode,course_code,institution_code,trainees,classes\nu01,昆明市,530102,k01,s01,abc,1\n",
        encoding="utf-8")
    assert main(["verify", str(tmp_path), str(SCEN / "baseline.yaml")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "school_allocation.csv，第 1 行，列“trainees”" in err  # the header row lacks the column
    assert "project_allocation.csv，第 2 行，列“trainees”" in err and "'abc'" in err


def test_a_users_own_files_are_never_deleted(tmp_path):
    """Files no manifest lists are never removed: named like this command's outputs they are kept aside in
    earlier-<date>/, otherwise left alone; only an earlier manifest's files are replaced."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "530100_昆明市（定稿，已盖章）.xlsx").write_bytes(b"signed")
    (out / "summary.json").write_text("mine", encoding="utf-8")
    outputs = OutputSet(out, "solve", "x", status="infeasible")
    outputs.json("summary.json", {"status": "infeasible"})
    outputs.commit()
    assert (out / "530100_昆明市（定稿，已盖章）.xlsx").read_bytes() == b"signed"  # not a solve output: untouched
    aside = _manifest(out)["set_aside"]
    assert (out / aside["folder"] / "summary.json").read_text(encoding="utf-8") == "mine"
    outputs = OutputSet(out, "solve", "y")
    outputs.json("timings.json", {})
    outputs.commit()  # the earlier run's summary.json (its manifest lists it) is gone; the user's files stay
    assert not (out / "summary.json").exists() and (out / aside["folder"] / "summary.json").exists()
    assert (out / "530100_昆明市（定稿，已盖章）.xlsx").exists()


# -- any year's notice ------------------------------------------------------------------------------------

def _next_year(folder: Path) -> None:
    """The 2023 notice: other dates, and 1,000 more technical-school places for 昆明 (Annex 1 col 1 and 5,
    Annex 2 for 云南技师学院), so that the quotas still equal column 5."""
    rows = read_rows(folder / "notice.csv")
    new = {"number": "云人社通〔2023〕5号", "date": "2023-02-10", "year": "2023", "breakdown_due": "2023-03-10",
           "tracking_report_1": "2023-06-30", "tracking_report_2": "2023-10-31"}
    write_rows(folder / "notice.csv", [rows[0], *[[r[0], new.get(r[0], r[1]), *r[2:]] for r in rows[1:]]])
    set_cell(folder / "annex1_targets.csv", "昆明市", "col1", "15.60")
    set_cell(folder / "annex1_targets.csv", "昆明市", "col5", "5.10")
    set_cell(folder / "annex2_school_quotas.csv", "1", "quota_wan", "2.1")


def test_a_next_year_data_folder_solves_and_exports_with_its_own_dates(data_copy, tmp_path, capsys):
    _next_year(data_copy)
    plan = load_plan(data_copy)
    assert plan.notice.year == 2023 and plan.notice.breakdown_due.isoformat() == "2023-03-10"
    out = tmp_path / "export"
    assert main(["export", "--data", str(data_copy), "--out", str(out)]) == 0
    assert "2023-02-10" in capsys.readouterr().out  # today is not in 2023: the notice's own date
    book = openpyxl.load_workbook(out / "530100_昆明市.xlsx", read_only=True)
    cover = "\n".join(str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c)
    book.close()
    assert "2023-03-10" in cover and "云人社通〔2023〕5号" in cover and "2023年度" in cover
    assert "2022" not in cover.replace("2022-10-31", "")  # nothing of 2022 left on the cover
    assert "剩余天数" in cover and "28 天" in cover  # 2023-02-10 → 2023-03-10
    with open(out / "breakdown.csv", encoding="utf-8-sig") as f:
        col5 = sum(int(r["value"]) for r in csv.DictReader(f)
                   if r["prefecture"] == "昆明市" and r["table"] == "annex1" and r["column"] == "5")
    assert col5 == 51_000


def test_default_as_of_is_today_in_the_plan_year_else_the_notice_date():
    import datetime as dt

    notice = load_plan().notice
    assert notice.default_as_of(dt.date(2022, 5, 1)) == (dt.date(2022, 5, 1), "today")
    assert notice.default_as_of(dt.date(2026, 11, 28)) == (dt.date(2022, 2, 11), "notice")


def test_a_notice_with_a_deadline_before_its_date_is_bad_input(data_copy, capsys):
    set_cell(data_copy / "notice.csv", "breakdown_due", "value", "2021-03-01")
    assert main(["check", "--data", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "notice.csv" in err and "2021-03-01" in err


# -- help -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["solve", "verify", "export", "shortlist", "compare", "sweep", "templates",
                                     "check"])
def test_help_is_plain_text_with_defaults_and_exit_statuses(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    assert "``" not in text and "%(" not in text
    assert "退出状态" in text
    if command in ("solve", "export"):
        assert "默认：" in text


def test_scenario_loads_once_per_name(tmp_path):
    """A changed scenario file is a changed input: the id follows the content, not the name."""
    path = tmp_path / "s.yaml"
    path.write_text("cert_share: 0.7\n", encoding="utf-8")
    first = _identity(scenario=path)
    path.write_text("cert_share: 0.8\n", encoding="utf-8")
    assert _identity(scenario=path) != first
    assert load_scenario(path).spec.cert_share == 0.8


def test_a_truncated_sweep_cache_entry_is_solved_again(tmp_path):
    """Issue 17: a cache entry cut short (a killed sweep, a full disk) is not fatal: the point is solved again and
    the entry rewritten whole."""
    from optimizer.analysis.sweep import parse_param, run_sweep
    from tests.test_model import base_offers
    from tests.tiny import Tiny, write

    data = write(tmp_path / "data", Tiny(offers=base_offers()))
    scen = tmp_path / "s.yaml"
    scen.write_text(f"data: {data}\n", encoding="utf-8")
    params = [parse_param("cert_share=0.6")]
    cache = tmp_path / "cache"
    first = run_sweep(scen, params, workers=1, cache_dir=cache, progress=False)
    (entry,) = cache.glob("*.json")
    entry.write_text(entry.read_text(encoding="utf-8")[:25], encoding="utf-8")  # truncated mid-way
    again = run_sweep(scen, params, workers=1, cache_dir=cache, progress=False)
    assert not again[0].cached and again[0].status == "optimal" and again[0].figures == first[0].figures
    assert json.loads(entry.read_text(encoding="utf-8"))["status"] == "optimal"


def test_a_type_error_never_hides_an_unknown_name_in_the_same_file(tmp_path, capsys):
    """Issue 17: one pass lists the scenario's type error and its unknown names (each at its line)."""
    path = tmp_path / "mixed.yaml"
    path.write_text("time_limit: abc\nquotas:\n  - {school: 云南技帅学院, percent: 10}\nlocks:\n"
                    "  - {school: s02, county: 沾益县, at_least: 5}\n", encoding="utf-8")
    assert main(["--lang", "en", "solve", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "3 problem(s)" in err
    assert "line 1, key 'time_limit'" in err
    assert "line 3, key 'quotas.0.school'" in err and "did you mean 云南技师学院" in err
    assert "line 5, key 'locks.0.county'" in err and "did you mean 沾益区" in err
    assert not (tmp_path / "out").exists()
