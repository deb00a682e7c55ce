"""Issue 13: `explain` answers for every county of the shipped data."""

from __future__ import annotations


def test_explain_answers_for_every_county_of_the_baseline(shipped):
    """Each of the shipped counties gets its band and its placed trainees — the placed total equal to the county's
    rows of the school allocation table, summed here — and a Chinese text naming the county."""
    from optimizer.outputs.explain import explain_county, render

    r = shipped("baseline")
    x = r.solution.school_allocation
    placed = x.groupby("adcode")["trainees"].sum()
    names = r.problem.counties.set_index("adcode")["county"]
    assert len(names) == 129
    for adcode in names.index:
        e = explain_county(r.problem, r.solution, adcode)
        assert e.placed == int(placed.get(adcode, 0)), adcode
        assert e.low <= e.center <= e.high, adcode
        assert names[adcode] in render(e, "zh", r.problem)
