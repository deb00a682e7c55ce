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
        text = render(e, "zh", r.problem)
        assert names[adcode] in text and "2020年常住人口" in text and "population_2020" not in text, text


def test_a_county_name_that_matches_none_gets_the_one_meant(shipped, capsys, monkeypatch):
    """`explain --county 东川` said only "未找到县（市、区）：东川"; people say 东川 for 东川区."""
    from optimizer.cli import main
    from optimizer.outputs.explain import county_hint, find_county

    problem = shipped("baseline").problem
    assert find_county(problem, "东川") is None  # not taken silently: the user is asked
    assert county_hint(problem, "东川") == "东川区"  # the one county that begins so
    assert county_hint(problem, "东川县") == "东川区"  # the closest name
    assert county_hint(problem, "纽约") is None
    assert find_county(problem, " 西山区 ") == find_county(problem, "西山区") == "530112"  # pasted with spaces
    monkeypatch.delenv("YUNNAN_PLAN_LANG", raising=False)
    assert main(["explain", "--county", "东川"]) == 2
    assert "未找到县（市、区）：东川；是否为 东川区？" in capsys.readouterr().err


def test_an_empty_county_is_named_as_the_flag(capsys, monkeypatch):
    """`explain --county ""` printed an empty 未找到县（市、区）：; it is refused before solving, naming the flag."""
    from optimizer.cli import main

    monkeypatch.delenv("YUNNAN_PLAN_LANG", raising=False)
    assert main(["explain", "--county", " "]) == 2
    err = capsys.readouterr().err
    assert "--county：请给出县（市、区）的名称或区划代码" in err and "未找到" not in err
