"""Differential test: the PuLP model and an independent scipy/HiGHS formulation agree on random instances."""

from __future__ import annotations

import pulp
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from optimizer.data.loader import load_plan
from optimizer.data.params import ModelParams, ObjectiveWeights
from optimizer.model.lp import AllocationModel
from optimizer.model.problem import build_problem
from optimizer.model.solve import allocate
from optimizer.model.verify import verify
from tests.reference_lp import solve_reference
from tests.tiny import A, B, Offer, Tiny, write

OFFER_SLOTS = [("s01", "k1"), ("s01", "k2"), ("s01", "k3"), ("s02", "k1"), ("s02", "k2"), ("s02", "k4"),
               ("i01", "k1"), ("i01", "k2"), ("i01", "k3"), ("i01", "k4"), ("s01", "k5"), ("s02", "k6"),
               ("i01", "k6"), ("s02", "k5")]


@st.composite
def instances(draw):
    q1, q2 = draw(st.integers(1, 150)), draw(st.integers(1, 150))
    ta = draw(st.integers(0, q1 + q2))
    offers = []
    for inst, course in OFFER_SLOTS:
        if draw(st.booleans()) or (inst, course) in (("s01", "k1"), ("s02", "k2")):
            offers.append(Offer(inst, course, draw(st.integers(1, 20)), sets=draw(st.integers(1, 2)),
                                days=draw(st.sampled_from([15, 30, 60, 300]))))
    plans = {}
    for key in (("u01", A), ("u01", B), ("u02", B)):
        if draw(st.booleans()):
            plans[key] = draw(st.integers(1, 150))
    if not plans:
        plans[("u01", B)] = 10
    annex1 = {}
    for pref, t in ((A, ta), (B, q1 + q2 - ta)):  # columns 1 ≥ 2 ≥ 3; column 5 = t ≤ column 1
        c1 = t + draw(st.integers(0, 100))
        c2 = draw(st.integers(0, c1))
        annex1[pref] = (c1, c2, draw(st.integers(0, c2)))
    owned = draw(st.booleans())  # i01 a company centre of u01 (R11: only u01 may use it unless filed)
    tiny = Tiny(quotas={"s01": q1, "s02": q2}, targets={A: ta, B: q1 + q2 - ta}, plans=plans,
                scope={"u01": ["g1"], "u02": ["g2"]}, offers=offers, annex1=annex1,
                centre_units={"i01": "u01"} if owned else {}, filed={"i01": draw(st.booleans())} if owned else {},
                siyb={"s02": draw(st.sampled_from([0, 2])), "i01": draw(st.sampled_from([0, 1]))})
    params = ModelParams(
        cert_share=draw(st.sampled_from([0.0, 0.3, 0.6, 0.9])),
        band_delta=draw(st.sampled_from([0.0, 0.25, 1.0])),
        mix_tolerance=draw(st.sampled_from([0.05, 0.5])),
        advanced_floor=draw(st.sampled_from([None, 0.0, 0.5])),
        certificate_floor=draw(st.sampled_from([None, 0.0, 0.3])),
        qualification_cap=draw(st.sampled_from([0.1, 1.0])),
        balance_inner=draw(st.sampled_from([0.0, 0.1, 0.5])),
        travel_cost_per_km=draw(st.sampled_from([0.0, 0.3])),
        weights=ObjectiveWeights(cost=1, travel=draw(st.sampled_from([0, 1])), band=draw(st.sampled_from([0, 1])),
                                 mix=draw(st.sampled_from([0, 1])), balance=draw(st.sampled_from([0, 1]))),
    )
    return tiny, params


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(instances())
def test_pulp_model_matches_an_independent_scipy_formulation(tmp_path_factory, case):
    tiny, params = case
    plan = load_plan(write(tmp_path_factory.mktemp("d"), tiny))
    problem = build_problem(plan, params)
    model = AllocationModel(problem)
    model.lp.solve(pulp.HiGHS(msg=False))
    ref_status, ref_objective = solve_reference(problem)
    event(f"reference LP {ref_status}")
    if model.lp.sol_status == pulp.LpSolutionOptimal:
        assert ref_status == "optimal"
        ours = pulp.value(model.lp.objective) or 0.0
        assert ours == pytest.approx(ref_objective, rel=1e-6, abs=1e-6)
        # and the whole-class allocation passes the independent checker, or whole classes are proven impossible
        solution = allocate(problem)
        event(f"whole classes {solution.status}")
        if solution.ok:
            assert verify(problem, solution) == []
            assert solution.summary["lp_bound"] == pytest.approx(ours, rel=1e-6, abs=1e-2)
            assert solution.summary["objective"] >= solution.summary["lp_bound"] - 1e-6
        else:
            assert solution.status == "infeasible" and "按整班不可行" in solution.summary["message"]
    else:
        assert ref_status == "infeasible"
        assert allocate(problem).status == "infeasible"


def test_decomposed_solve_equals_the_monolithic_one_on_a_multi_province_instance(tmp_path):
    """Four synthetic provinces: schools and units stay in their province, so the instance separates into four
    blocks; solving them apart (in two processes) gives the same objective as one model (1e-6 relative)."""
    from optimizer.data.synthetic import write_synthetic
    from optimizer.model.decomposition import split_blocks

    plan = load_plan(write_synthetic(tmp_path / "syn", provinces=4, seed=3, schools_per_province=20,
                                     prefectures_per_province=4, counties_per_prefecture=5))
    problem = build_problem(plan, ModelParams())
    assert len(split_blocks(problem)) == 4
    mono = allocate(problem, decompose=False)
    parts = allocate(problem, decompose=True, workers=2)
    assert mono.ok and parts.ok and parts.summary["blocks"] == 4
    assert parts.summary["lp_bound"] == pytest.approx(mono.summary["lp_bound"], rel=1e-6)
    # the whole-class plans may round different LP vertices: both lie between the bound and the bound + 0.1%
    for sol in (mono, parts):
        assert parts.summary["lp_bound"] - 1e-6 <= sol.summary["objective"] <= parts.summary["lp_bound"] * 1.001
    assert verify(problem, parts) == []
