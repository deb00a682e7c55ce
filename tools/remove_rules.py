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
    args = parser.parse_args(argv)
    missing = []
    for rule in args.rules:
        if rule in NOT_IN_MODEL:
            print(f"{rule}: not a model rule — {NOT_IN_MODEL[rule]}")
            continue
        failed = run(rule, args.tests)
        print(f"{rule}: {len(failed)} failing test(s)" + "".join(f"\n    {t}" for t in failed), flush=True)
        if not failed:
            missing.append(rule)
    if missing:
        print("rules without a failing test: " + ", ".join(missing))
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
