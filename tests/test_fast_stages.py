"""The faster stages of issue 19 against the slow, obvious versions they replaced (a second method each)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.model.decomposition import connected_components
from optimizer.model.results import expand_flows, northwest_corner


def expand_flows_loop(county_part: pd.DataFrame, course_part: pd.DataFrame, group: list[str]) -> pd.DataFrame:
    """The step-by-step north-west corner per group (the implementation before issue 19)."""
    rows = []
    courses = {k: g for k, g in course_part[course_part["trainees"] > 0].groupby(group, sort=True)}
    for key, part in county_part[county_part["trainees"] > 0].groupby(group, sort=True):
        other = courses.get(key)
        if other is None:
            continue
        part = part.sort_values("county")
        other = other.sort_values("course")
        for i, j, amount in northwest_corner(part["trainees"].tolist(), other["trainees"].tolist()):
            rows.append((*((key,) if isinstance(key, str) else key), part["county"].iloc[i], other["course"].iloc[j],
                         amount))
    return pd.DataFrame(rows, columns=[*group, "county", "course", "trainees"])


def split(total: int, parts: int, rng: np.random.Generator) -> list[int]:
    """``total`` as ``parts`` whole non-negative numbers (zeros included: they must be skipped)."""
    cuts = np.sort(rng.integers(0, total + 1, parts - 1))
    return np.diff(np.concatenate([[0], cuts, [total]])).astype(int).tolist()


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 4), st.integers(1, 6), st.integers(1, 5))
def test_whole_column_north_west_corner_equals_the_loop(seed, n_groups, n_counties, n_courses):
    rng = np.random.default_rng(seed)
    a, b = [], []
    for g in range(n_groups):
        total = int(rng.integers(0, 60))
        for c, t in zip(rng.permutation(n_counties), split(total, n_counties, rng), strict=True):
            a.append((f"s{g % 2}", f"p{g}", f"c{c:02d}", t))
        for k, t in zip(rng.permutation(n_courses), split(total, n_courses, rng), strict=True):
            b.append((f"s{g % 2}", f"p{g}", f"k{k}", t, 0.5))
    county_part = pd.DataFrame(a, columns=["school", "prefecture", "county", "trainees"])
    course_part = pd.DataFrame(b, columns=["school", "prefecture", "course", "trainees", "extra"])
    got = expand_flows(county_part, course_part, ["school", "prefecture"])
    want = expand_flows_loop(county_part, course_part, ["school", "prefecture"])
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    # whole persons, and both marginals kept
    if len(got):
        assert (got["trainees"] > 0).all()
        assert got.groupby("county")["trainees"].sum().to_dict() == \
            county_part[county_part["trainees"] > 0].groupby("county")["trainees"].sum().to_dict()


def test_the_north_west_corner_by_hand():
    # counties 3 + 2, courses 1 + 4: (c1,k1)=1, (c1,k2)=2, (c2,k2)=2
    county = pd.DataFrame({"g": ["a", "a"], "county": ["c1", "c2"], "trainees": [3, 2]})
    course = pd.DataFrame({"g": ["a", "a"], "course": ["k1", "k2"], "trainees": [1, 4]})
    got = expand_flows(county, course, ["g"])
    assert list(got.itertuples(index=False, name=None)) == [("a", "c1", "k1", 1), ("a", "c1", "k2", 2),
                                                             ("a", "c2", "k2", 2)]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), max_size=60), st.integers(0, 35))
def test_union_find_components_equal_networkx(edges, isolated):
    nodes = [("n", i) for i in range(isolated)]
    pairs = [(("n", a), ("n", b)) for a, b in edges]
    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from(pairs)
    want = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: c[0])
    assert connected_components(nodes, pairs) == want


@pytest.mark.parametrize("edges, n", [([], 0), ([(("a", 1), ("a", 2))], 1)])
def test_union_find_edge_cases(edges, n):
    assert len(connected_components([], edges)) == n


def test_the_column_wise_verifier_still_names_every_broken_pair(tmp_path):
    """R2, R3/R11, R10, R14 and R15, each broken on purpose in a solved tiny plan (R3 for schools: test_model)."""
    import dataclasses

    from optimizer.model.verify import verify
    from tests.test_model import base_offers, solve
    from tests.tiny import B2, B, Tiny

    problem, sol = solve(tmp_path, Tiny(offers=base_offers()))
    assert verify(problem, sol) == []
    z = sol.project_allocation
    used = z["institution_code"].iloc[0]
    inst = problem.institutions.copy()
    inst.loc[inst["code"] == used, ["active", "platform_teachers"]] = [False, 0]
    broken = dataclasses.replace(problem, institutions=inst,
                                 unit_counties={("u01", B): [c for c in z["adcode"].unique() if c != B2][:1] or ["x"]})
    z.loc[z.index[0], "course_code"] = "k3"  # group g2: outside u01's scope, and not offered there
    z.loc[z.index[0], "adcode"] = B2
    checks = {v.check for v in verify(broken, sol)}
    assert {"unit business scope (R2)", "institution offers the course (R3, R11)", "debarred or excluded (R14)",
            "platform-registered teachers (R15)", "unit's counties (R10)"} <= checks
    ok = {v.check for v in verify(problem, sol)}  # the same tables against the institutions as they were
    assert "debarred or excluded (R14)" not in ok and "platform-registered teachers (R15)" not in ok


def split_by_membership(problem):
    """Blocks by one membership test per table and block (the implementation before issue 19's split)."""
    import dataclasses

    from optimizer.model.decomposition import connected_components as components

    edges = [*((("i", s), ("p", p)) for s, p in problem.y_keys[["school", "prefecture"]].itertuples(index=False)),
             *((("u", u), ("p", p)) for u, p in problem.unit_plans[["unit", "prefecture"]].itertuples(index=False)),
             *((("u", u), ("i", i)) for u, i in problem.v_keys[["unit", "institution"]].itertuples(index=False))]
    blocks = []
    for comp in components([("p", p) for p in problem.targets["prefecture"]], edges):
        prefs, insts, units = ({n for k, n in comp if k == kind} for kind in "piu")
        if not prefs:
            continue
        f = problem
        pick = lambda frame, column, codes: frame[frame[column].isin(codes)].reset_index(drop=True)  # noqa: E731
        counties = pick(f.counties, "prefecture_adcode", prefs)
        homes = f.institutions.loc[f.institutions["code"].isin(insts), "home_county"].unique()
        blocks.append(dataclasses.replace(
            f, distance=f.distance.loc[f.distance.index.isin(homes), counties["adcode"]], counties=counties,
            institutions=pick(f.institutions, "code", insts), schools=pick(f.schools, "code", insts),
            targets=pick(f.targets, "prefecture", prefs), unit_plans=pick(f.unit_plans, "unit", units),
            offers=pick(f.offers, "institution", insts), focus=pick(f.focus, "prefecture", prefs),
            unit_scope=pick(f.unit_scope, "unit", units), y_keys=pick(f.y_keys, "prefecture", prefs),
            w_keys=pick(f.w_keys, "prefecture", prefs), v_keys=pick(f.v_keys, "unit", units),
            q_keys=pick(f.q_keys, "unit", units)))
    return blocks


def test_split_by_one_lookup_per_table_equals_the_membership_filter(tmp_path):
    """Issue 19: split_blocks gives every block the same rows, in the same order, as filtering each table once per
    block, with text as plain Python strings (the same values: only the storage differs)."""
    import dataclasses

    from optimizer.data.synthetic import write_synthetic
    from optimizer.model.decomposition import split_blocks
    from optimizer.model.problem import build_problem
    from optimizer.pipeline import prepare

    _, plan, params, _ = prepare(data=write_synthetic(tmp_path / "c3", provinces=3, seed=3))
    problem = build_problem(plan, params)
    got, want = split_blocks(problem), split_by_membership(problem)
    assert len(got) == len(want) == 3
    for g, w in zip(got, want, strict=True):
        assert set(g.targets["prefecture"].str[:2]) == set(w.targets["prefecture"].str[:2]) and len(
            set(w.targets["prefecture"].str[:2])) == 1  # one province per block
        for field in dataclasses.fields(w):
            a, b = getattr(g, field.name), getattr(w, field.name)
            if not isinstance(b, pd.DataFrame):
                assert a is b or a == b, field.name
                continue
            assert not any(isinstance(t, pd.StringDtype) for t in a.dtypes), field.name
            pd.testing.assert_frame_equal(a, b, check_dtype=False, check_index_type=False,
                                          check_column_type=False, obj=field.name)
            assert list(a.columns) == list(b.columns) and list(a.index) == list(b.index), field.name


def test_formula_like_text_is_neutralised_by_hand():
    """Only text starting with = + - @ gets an apostrophe, in pandas' string columns and in object columns with
    numbers and blanks mixed in; other cells are written as they were."""
    from optimizer.outputs.writer import neutralise_text

    frame = pd.DataFrame({"a": pd.array(["=1+1", "x", None, "-3", "@a"], dtype="str"),
                          "b": ["+x", 1, np.nan, "ok", "a=b"], "c": [1, -2, 3, 4, 5],
                          "d": pd.Series(["=", "", "q", "-", "a"], dtype=object)})
    assert neutralise_text(frame).to_csv(index=False, lineterminator="\n") == (
        "a,b,c,d\n'=1+1,'+x,1,'=\nx,1,-2,\n,,3,q\n'-3,ok,4,'-\n'@a,a=b,5,a\n")
    assert frame["a"].iloc[0] == "=1+1"  # the caller's frame is left as it was


def test_a_task_waiting_for_the_next_solve_runs_once_when_highs_starts():
    """The CLI starts the plan store's import when HiGHS starts solving (it releases the GIL then): the task runs
    at the next solve, once, not before and not again."""
    import pulp

    from optimizer.model.highs_fast import while_next_solve
    from optimizer.model.solvers import make_solver

    ran: list[int] = []
    while_next_solve(lambda: ran.append(1))
    lp = pulp.LpProblem("tiny", pulp.LpMinimize)
    x = pulp.LpVariable("x", lowBound=2)
    lp += x
    assert ran == []
    lp.solve(make_solver("highs", 10))
    assert ran == [1] and x.varValue == 2
    lp.solve(make_solver("highs", 10))
    assert ran == [1]
