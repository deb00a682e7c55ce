"""Write plausible actual training records for a solved scenario (demos and tests), reproducibly.

    python tools/make_actuals.py [SCENARIO] --as-of 2022-06-30 --seed 18 --out actuals.csv

The scenario is solved as `yunnan-plan solve` does; the records follow optimizer/tracking/synthetic.py
(some counties behind, some institutions ahead, some classes outside the plan). Same seed, same file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from optimizer.pipeline import run_scenario
from optimizer.tracking.synthetic import generate_actuals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", type=Path, default=None)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--out", type=Path, required=True, help="actuals .csv or .xlsx")
    args = parser.parse_args(argv)
    result = run_scenario(args.scenario)
    if not result.ok:
        print(f"the scenario does not solve ({result.status})", file=sys.stderr)
        return 3
    records = generate_actuals(result.plan, result.problem, result.solution, args.as_of, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    if args.out.suffix.lower() == ".xlsx":
        records.to_excel(args.out, sheet_name="actuals", index=False)
    else:
        records.to_csv(args.out, index=False, encoding="utf-8-sig", lineterminator="\n")
    print(f"{len(records)} classes, {records['trainees'].astype(int).sum():,} trainees → {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
