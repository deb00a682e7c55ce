"""Remove each rule of the notice in turn and run the tests: every rule the tool enforces must make some test fail.

    python tools/remove_rules.py                 # all rules, the model's test files
    python tools/remove_rules.py R1 R16 --tests tests/test_model.py

Each run sets YUNNAN_REMOVE_RULE and loads the pytest plugin tools/rule_removal.py, which monkeypatches the rule
out of the model and the verifier. Prints, per rule, the tests that failed (none = a rule without a test).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = [f"R{i}" for i in range(1, 19)]
NOT_IN_MODEL = {"R12": "procurement shortlist (optimizer/procurement, tests/test_procurement.py)",
                "R17": "deadlines (plan.notice dates, exports)"}
# the test docs/model.md names for each rule (--quick runs only this one)
RULE_TESTS = {
    "R1": "tests/test_model.py::test_certificate_share_binds_and_changes_the_answer",
    "R2": "tests/test_model.py::test_infeasible_names_the_prefecture_and_the_amount",
    "R3": "tests/test_differential.py::test_pulp_model_matches_an_independent_scipy_formulation",
    "R4": "tests/test_model.py::test_certificate_share_binds_and_changes_the_answer",
    "R5": "tests/test_rules_quality.py::test_r16_no_entrepreneurship_course_without_siyb_trainers",
    "R6": "tests/test_model.py::test_capacity_binds",
    "R7": "tests/test_model.py::test_capacity_binds",
    "R8": "tests/test_shipped_solve.py::test_every_prefecture_meets_annex1_column5",
    "R9": "tests/test_shipped_solve.py::test_every_school_meets_its_annex2_quota",
    "R10": "tests/test_model.py::test_unit_counties_restrict_where_the_unit_trains",
    "R11": "tests/test_rules_quality.py::test_r11_another_units_centre_is_not_a_partner_unless_filed",
    "R13": "tests/test_rules_quality.py::test_r13_an_evaluator_sends_its_trainees_to_another_evaluator",
    "R14": "tests/test_model.py::test_debarred_centre_carries_no_trainees",
    "R15": "tests/test_model.py::test_centre_without_platform_teachers_gets_no_unit_trainees",
    "R16": "tests/test_rules_quality.py::test_r16_no_entrepreneurship_course_without_siyb_trainers",
    "R18": "tests/test_rules_quality.py::test_r18_ranks_by_subsidised_volume_and_keeps_five",
}
TESTS = ["tests/test_model.py", "tests/test_rules_quality.py", "tests/test_differential.py",
         "tests/test_shipped_solve.py"]


def run(rule: str, tests: list[str]) -> list[str]:
    """The failing test ids with ``rule`` removed."""
    env = {**os.environ, "YUNNAN_REMOVE_RULE": rule,
           "PYTHONPATH": os.pathsep.join([str(ROOT / "tools"), str(ROOT), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rf", "-p", "rule_removal", "-p",
                             "no:cacheprovider", *tests], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=False)
    return sorted(set(re.findall(r"^FAILED (\S+)", result.stdout, flags=re.M)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rules", nargs="*", default=RULES)
    parser.add_argument("--tests", nargs="*", default=TESTS)
    parser.add_argument("--quick", action="store_true", help="run only the test docs/model.md names per rule")
    args = parser.parse_args(argv)
    missing = []
    for rule in args.rules:
        if rule in NOT_IN_MODEL:
            print(f"{rule}: not a model rule — {NOT_IN_MODEL[rule]}")
            continue
        failed = run(rule, [RULE_TESTS[rule]] if args.quick else args.tests)
        print(f"{rule}: {len(failed)} failing test(s)" + "".join(f"\n    {t}" for t in failed), flush=True)
        if not failed:
            missing.append(rule)
    if missing:
        print("rules without a failing test: " + ", ".join(missing))
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
