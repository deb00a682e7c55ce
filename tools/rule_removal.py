"""A pytest plugin that removes one rule of the notice, named by the environment variable YUNNAN_REMOVE_RULE
(R1 … R18), from the model and from the verifier: used by tools/remove_rules.py to show which tests fail
without each rule. Loaded with ``-p rule_removal`` (tools/ on PYTHONPATH); does nothing when the variable is
unset. Rules the model does not enforce (R12 procurement, R17 dates) are removed in their own modules."""

from __future__ import annotations

import os

import pandas as pd

RULE = os.environ.get("YUNNAN_REMOVE_RULE", "")

if RULE:  # a removed rule should fail fast: property tests report their first failing example without shrinking it
    from hypothesis import Phase, settings

    settings.register_profile("rule_removal", phases=[Phase.explicit, Phase.reuse, Phase.generate])
    settings.load_profile("rule_removal")


def _drop_checks(tag: str) -> None:
    """The verifier stops reporting violations whose check names the rule (e.g. "(R1)")."""
    from optimizer.model import verify as v

    original = v.verify

    def verify(problem, solution):
        return [x for x in original(problem, solution) if tag not in x.check]

    v.verify = verify


def _wrap_unit_pairs(change) -> None:
    from optimizer.model import problem as p

    original = p._unit_pairs

    def unit_pairs(plans, offers, scope, counties, unit_counties):
        return original(*change(plans, offers, scope, counties, unit_counties))

    p._unit_pairs = unit_pairs


def _wrap_school_pairs(change) -> None:
    from optimizer.model import problem as p

    original = p._school_pairs

    def school_pairs(schools, offers, counties):
        y, w = original(schools, offers.assign(**change(offers)) if change else offers, counties)
        return y, w

    p._school_pairs = school_pairs


def remove(rule: str) -> None:
    """Monkeypatch the rule away (model and checks)."""
    from optimizer import rules
    from optimizer.model import classes, problem, report
    from optimizer.model.lp import AllocationModel

    if rule == "R1":
        AllocationModel.define_certificate_constraints = lambda self: None
        _drop_checks("(R1)")
    elif rule == "R2":
        _wrap_unit_pairs(lambda pl, of, sc, co, uc: (pl, of, pd.DataFrame(
            [(u, g) for u in sc["unit"].unique() for g in of["group"].unique()], columns=["unit", "group"]), co, uc))
        _drop_checks("(R2)")
    elif rule == "R3":
        original = problem._school_pairs

        def any_course(schools, offers, counties):  # a school may teach a course another school offers
            y, w = original(schools, offers, counties)
            courses = offers.loc[offers["is_school"], "course"].unique()
            sp = w[["school", "prefecture"]].drop_duplicates()
            return y, sp.merge(pd.DataFrame({"course": courses}), how="cross")

        problem._school_pairs = any_course
        _drop_checks("(R3)")
    elif rule == "R4":
        original = problem._school_pairs

        def home_only(schools, offers, counties):  # a regional barrier: schools stay in their prefecture
            y, w = original(schools, offers, counties)
            home = schools.set_index("code")["prefecture_adcode"]
            return (y[y["prefecture"] == y["school"].map(home)].reset_index(drop=True),
                    w[w["prefecture"] == w["school"].map(home)].reset_index(drop=True))

        problem._school_pairs = home_only
    elif rule == "R5":
        rules.max_class_size = lambda certificate_type: 10**6
        classes.class_size = lambda prob: pd.Series(10**6, index=prob.courses["code"])
        _drop_checks("(R5")
    elif rule in ("R6", "R7"):
        rules.days_per_class = lambda class_hours: 1
        _drop_checks("R5–R7")
        _drop_checks("(R6, R7)")
    elif rule == "R8":
        AllocationModel.define_target_constraints = lambda self: None
        _drop_checks("Annex 1 col 5")
    elif rule == "R9":
        AllocationModel.define_quota_constraints = lambda self: None
        _drop_checks("Annex 2")
    elif rule == "R10":
        AllocationModel.define_plan_constraints = lambda self: None
        _wrap_unit_pairs(lambda pl, of, sc, co, uc: (pl, of, sc, co, {}))
        _drop_checks("(R10)")
        _drop_checks("Annex 4")
    elif rule == "R11":
        _wrap_unit_pairs(lambda pl, of, sc, co, uc: (pl, of.assign(filed=True), sc, co, uc))
        _drop_checks("(R11)")
    elif rule == "R13":
        classes.assign_assessors = lambda prob, frame: frame.assign(assessor_code=frame["institution_code"],
                                                                     needs_other_evaluator=False)
    elif rule == "R14":
        problem.debarred_on = lambda debarments, day: set()
        _drop_checks("(R14)")
    elif rule == "R15":
        _wrap_unit_pairs(lambda pl, of, sc, co, uc: (pl, of.assign(subsidised=True), sc, co, uc))
        _drop_checks("(R15)")
    elif rule == "R16":
        _wrap_unit_pairs(lambda pl, of, sc, co, uc: (pl, of.assign(siyb_ok=True), sc, co, uc))
        _wrap_school_pairs(lambda of: {"siyb_ok": True})
        _drop_checks("(R16)")
    elif rule == "R18":
        rules.TOP_INSTITUTIONS_TRACKED = 10
        original = report._rank
        report._rank = lambda rows, prob, n: original(rows.assign(cost=rows["trainees"]), prob, 10)


if RULE:
    remove(RULE)
