"""Keyed tables, not names (issue 12, item 5): rows, slacks and duals are found by their codes, never by parsing
a solver name. Two checks: every solver name replaced by an opaque id before solving changes nothing a user sees
(a module that parsed names would lose its duals, slacks or diagnosis rows); and no module of the package
contains the name-parsing idioms the project used before."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from optimizer.data.loader import load_plan
from optimizer.data.params import ModelParams
from optimizer.model import lp as lp_module
from optimizer.model.problem import build_problem
from optimizer.model.solve import allocate
from optimizer.pipeline import run_scenario
from tests.conftest import ROOT
from tests.test_model import COST_ONLY, base_offers
from tests.tiny import B, Offer, Tiny, write

BASELINE = ROOT / "scenarios" / "baseline.yaml"
TABLES = ("school_allocation", "project_allocation", "institution_load", "classes")


def make_opaque(model: lp_module.AllocationModel) -> None:
    """Rename every variable and row of the built model to a meaningless id. PuLP hands columns to the solver
    sorted by name, and the class step names its class counts after the variables they count (``nw_<name>``), so
    each id keeps the name's first character and its rank among all names: every column of every LP and MIP keeps
    its place and the solver sees the very same models. Nothing else of a name survives: no code, no family tag."""
    variables = sorted({id(v): v for c in model.lp.constraints.values() for v in c}.values(), key=lambda v: v.name)
    for rank, var in enumerate(variables):
        var.name = f"{var.name[0]}{rank:07d}"
    renamed = {}
    for n, constraint in enumerate(model.lp.constraints.values()):
        constraint.name = f"r{n:07d}"
        renamed[constraint.name] = constraint
    model.lp._constraints = renamed


@pytest.fixture
def opaque_names(monkeypatch):
    """Every AllocationModel built while active gets opaque solver names right after it is built."""
    original = lp_module.AllocationModel.build

    def build(self) -> None:
        original(self)
        make_opaque(self)

    monkeypatch.setattr(lp_module.AllocationModel, "build", build)


@pytest.fixture(scope="module")
def named(shipped):
    """The baseline solved with readable names (the session's shared solve, made before any renaming)."""
    return shipped("baseline")


def test_opaque_solver_names_change_no_table_no_dual_and_no_slack(named, opaque_names):
    opaque = run_scenario(BASELINE, workers=1)
    assert opaque.ok and named.ok
    # the opaque run really ran on opaque names
    model = lp_module.AllocationModel(named.problem)
    assert all(re.fullmatch(r"r\d{7}", c.name) for c in model.lp.constraints.values())
    assert all(re.fullmatch(r"[a-z]\d{7}", v.name) for v in model.lp.variables())
    assert named.summary() == opaque.summary()  # objective, terms, shadow prices, slack_used, every figure
    prices = opaque.solution.summary["shadow_prices"]
    assert prices["quota"] and prices["certificate_share"] and prices["county_balance"]  # found by key
    assert opaque.solution.summary["slack_used"]  # the baseline uses mix slack: labels come from the codes
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(named.solution, name), getattr(opaque.solution, name))
    assert (opaque.solution.institution_load["shadow_price"] != 0).any()
    pd.testing.assert_frame_equal(named.solution.slack, opaque.solution.slack)


def test_opaque_solver_names_keep_the_diagnosis_rows(tmp_path, opaque_names):
    """tests/test_model.py's infeasible tiny case: the elastic LP's rows come with their codes and kind."""
    offers = [*base_offers(), Offer("i01", "k3", 9, days=15)]
    tiny = Tiny(offers=offers, plans={("u01", "530100"): 50, ("u02", B): 100}, scope={"u01": ["g1"], "u02": ["g2"]})
    problem = build_problem(load_plan(write(tmp_path / "data", tiny)),
                            ModelParams(weights=COST_ONLY, class_fill=1.0, cert_share=0.0))
    violations = allocate(problem).diagnosis.violations
    assert violations["amount"].sum() == pytest.approx(40)
    rows = {(r.constraint, r.kind, tuple(r.codes)) for r in violations.itertuples()}
    assert rows <= {(f"plan_u02_p{B}", "plan", ("u02", B)), ("cap_i01_k3", "cap", ("i01", "k3"))}


def test_row_and_slack_tables_hold_every_row_and_slack_by_code(named):
    model = lp_module.AllocationModel(named.problem)
    rows, slacks = model.row_table, model.slack_table
    assert len(rows) == len(model.lp.constraints)
    assert set(map(id, rows["constraint"])) == set(map(id, model.lp.constraints.values()))
    # the capacity rows are exactly the offers with at least one variable, keyed by (institution, course)
    caps = rows[rows["family"] == "capacity"]
    assert not caps.duplicated(["institution", "course"]).any()
    offers = named.problem.offers
    assert set(zip(caps["institution"], caps["course"], strict=True)) <= set(
        zip(offers["institution"], offers["course"], strict=True))
    # one band row per county with a target; five or six slacks per county, each priced by its kind
    assert (rows["family"] == "band").sum() == slacks["adcode"].replace("", None).dropna().nunique()
    p = named.params
    penalty = {"bandhi": p.band_penalty, "bandlo": p.band_penalty, "dev1p": p.balance_cost_inner,
               "dev1m": p.balance_cost_inner, "dev2p": p.balance_cost_outer, "dev2m": p.balance_cost_outer,
               "mixlo": p.mix_penalty, "mixhi": p.mix_penalty}
    assert (slacks["penalty"] == slacks["kind"].map(penalty)).all()
    objective = model.lp.objective
    assert all(objective.get(v) == pytest.approx(w * pen) for v, w, pen in
               zip(slacks["variable"], slacks["term"].map(p.weights.model_dump()), slacks["penalty"], strict=True))


# the name-parsing idioms that were in the package before (issue 12 item 5): prefixes of solver names
SOLVER_PREFIXES = ("quota_", "quota_hi_", "cert_", "cap_", "band", "band_c", "bandhi", "bandlo", "mix", "mix_lo",
                   "mix_hi", "mixlo", "mixhi", "dev", "dev1", "dev2", "target_p", "plan_", "link_", "adv_p",
                   "certfl_p", "qual_p", "lock", "under", "over", "under_", "over_", "r_", "y_", "w_", "v_", "q_")
PARSING = [
    re.compile(r"\.(?:startswith|removeprefix|endswith)\(\s*[\"'](?P<lit>[a-z0-9_]+)[\"']"),
    re.compile(r"\b(?:name|constraint|label|key|k|n)\.(?:split|partition|rsplit)\(\s*[\"']_"),
    re.compile(r"\.split\(\s*[\"']_c[\"']\)"),
    re.compile(r"(?:\[|\.get\(|\bin\s)\s*f[\"'](?P<lit>[a-z0-9_]+)\{"),  # a row looked up by a name made of codes
]


def parsing_lines(text: str) -> list[str]:
    """Lines that take a solver name apart or look a row up by a constructed name."""
    found = []
    for line in text.splitlines():
        for pattern in PARSING:
            m = pattern.search(line)
            if m and (m.groupdict().get("lit") is None or m.group("lit") in SOLVER_PREFIXES):
                found.append(line.strip())
                break  # each line once
    return found


def test_no_module_parses_a_solver_name():
    offenders = {str(p.relative_to(ROOT)): parsing_lines(p.read_text(encoding="utf-8"))
                 for p in sorted((ROOT / "optimizer").rglob("*.py"))}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_scan_finds_the_old_idioms():
    """The patterns catch what the package did before (so the scan above can fail)."""
    old = '''
        "quota": {k.removeprefix("quota_"): v for k, v in duals.items() if k.startswith("quota_")},
        [(v, p.band_penalty) for n, v in self.slack.items() if n.startswith("band")])
    used_slack = {v.name for c in residual.constraints.values() for v in c if v.name.startswith("r_")}
        "counties_outside_band": len({k.split("_c")[-1] for k, v in slack.items()}),
    rows = [{"constraint": name.split("_", 1)[1]} for name, v in model.violation.items()]
    load["shadow_price"] = [-duals.get(f"cap_{i}_{k}", 0.0) for i, k in pairs]
            row = self.rows["cert"][f"cert_{unit}"]
'''
    assert len(parsing_lines(old)) == 7
    assert parsing_lines('if figure.startswith("cert_share "):\nname.startswith("Every school")') == []


def test_no_module_uses_the_old_name_dictionaries():
    """``model.constraints[family][name]``, ``model.slack[name]`` and ``model.violation[name]`` are gone."""
    pattern = re.compile(r"\bmodel\.(?:constraints|slack|violation)\b(?!_)")
    hits = [str(p.relative_to(ROOT)) for p in (ROOT / "optimizer").rglob("*.py")
            if pattern.search(p.read_text(encoding="utf-8"))]
    assert hits == []
