"""Re-solve without rebuilding (issue 19, item 1): a changed setting applied to the solved HiGHS model and
solved from the last basis must reach the optimum of a fresh build and solve of the changed scenario."""

from __future__ import annotations

import math

import pulp
import pytest

from optimizer.model.lp import AllocationModel
from optimizer.model.problem import build_problem
from optimizer.model.resolve import ModelStore, SolvedLP
from optimizer.model.solve import make_solver
from optimizer.pipeline import prepare
from tests.conftest import ROOT

BASELINE = ROOT / "scenarios" / "baseline.yaml"


def fresh(overrides: dict | None = None) -> AllocationModel:
    """The changed scenario built and solved from nothing (the second method)."""
    _, applied, params, _ = prepare(BASELINE, overrides=overrides)
    model = AllocationModel(build_problem(applied, params))
    model.lp.solve(make_solver("highs", 120))
    assert model.lp.sol_status == pulp.LpSolutionOptimal
    return model


def objective(model: AllocationModel) -> float:
    return float(pulp.value(model.lp.objective))


@pytest.fixture(scope="module")
def base() -> AllocationModel:
    return fresh()


def full_capacity_offer(solved: SolvedLP) -> tuple[str, str, float]:
    """An (institution, course) whose capacity binds at the base optimum, with its places."""
    rows = solved.highs.getSolution().row_value
    upper = solved.highs.getLp().row_upper_
    for o in solved.problem.offers.itertuples():
        row = solved.rows["capacity"].get((o.institution, o.course))
        if row is not None and o.capacity >= 40 and rows[row] >= upper[row] - 1e-6:
            return o.institution, o.course, float(o.capacity)
    raise AssertionError("no binding capacity row")


def test_resolve_reaches_the_fresh_optimum_from_the_last_basis(base):
    solved = SolvedLP(base)
    base_objective = objective(base)
    base_iterations = base.lp.solverModel.getInfo().simplex_iteration_count

    # ρ = 70% for every unit (R1 right-hand sides)
    solved.set_cert_share(dict.fromkeys(solved.unit_totals, 0.7))
    r1 = solved.resolve()
    f1 = fresh({"cert_share": 0.7})
    assert r1.status == "optimal"
    assert r1.objective == pytest.approx(objective(f1), rel=1e-9)
    assert r1.objective > base_objective  # a tighter R1 cannot be cheaper
    assert r1.iterations < base_iterations / 5  # hot start: a few pivots from the last basis, not a new solve
    terms = {k: float(pulp.value(t)) for k, t in f1.terms.items()}
    assert r1.terms["cost"] + r1.terms["travel"] == pytest.approx(terms["cost"] + terms["travel"], rel=1e-7)

    # then travel weighted 3x and one binding offer halved (objective coefficients and a capacity bound)
    inst, course, places = full_capacity_offer(solved)
    half = math.floor(places / 2)
    solved.set_weights({"travel": 3.0})
    solved.set_capacity({(inst, course): half})
    r2 = solved.resolve()
    f2 = fresh({"cert_share": 0.7, "weights": {"cost": 1.0, "travel": 3.0, "band": 1.0, "mix": 1.0},
                "capacity_changes": [{"institution": inst, "course": course, "value": half}]})
    assert r2.objective == pytest.approx(objective(f2), rel=1e-9)
    v = solved.values()
    used = sum(v["w"][i] for i, r in enumerate(base.keys["w"].itertuples())
               if r.school == inst and r.course == course)
    used += sum(v["v"][i] for i, r in enumerate(base.keys["v"].itertuples())
                if r.institution == inst and r.course == course)
    assert used <= half + 1e-6

    # back to the scenario's own settings: the base optimum again
    solved.set_cert_share(dict.fromkeys(solved.unit_totals, 0.6))
    solved.set_weights({"travel": 1.0})
    solved.set_capacity({(inst, course): places})
    assert solved.resolve().objective == pytest.approx(base_objective, rel=1e-9)


def test_bad_changes_are_refused(base):
    solved = SolvedLP(base)
    with pytest.raises(ValueError):
        solved.set_cert_share({next(iter(solved.unit_totals)): 1.5})
    with pytest.raises(ValueError):
        solved.set_weights({"speed": 1.0})
    with pytest.raises(KeyError):
        solved.set_capacity({("nobody", "k1"): 10})


def test_the_store_is_bounded_and_least_recently_used_goes_first():
    class Fake:
        def __init__(self, size: int):
            self.size = size

        def approx_bytes(self) -> int:
            return self.size

    store = ModelStore(max_models=2, max_bytes=100)
    store.put("a", Fake(10))
    store.put("b", Fake(10))
    assert store.get("a") is not None  # a is now the most recent
    store.put("c", Fake(10))
    assert "b" not in store and "a" in store and "c" in store
    store.put("d", Fake(95))  # over max_bytes with anything else kept: only d stays
    assert len(store) == 1 and "d" in store and store.size() == 95
