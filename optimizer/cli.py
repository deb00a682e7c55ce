"""Command line: ``yunnan-plan <command>`` (same as ``python -m optimizer``).

Exit statuses: 0 success / no finding, 1 findings, 2 bad input, 3 infeasible, 4 solver failure.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from optimizer.errors import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, InputError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="yunnan-plan", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="check the plan's own numbers and names for inconsistencies")
    check.add_argument("--data", type=Path, default=None, help="data folder (default: the shipped data/)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    templates = sub.add_parser("templates", help="write blank input templates (CSV and .xlsx)")
    templates.add_argument("--out", type=Path, required=True)
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check":
            return run_check(args.data, args.format)
        if args.command == "templates":
            return run_templates(args.out)
    except InputError as exc:
        if getattr(args, "format", "text") == "json":
            print(json.dumps({"error": "bad input", "problems": [p.to_dict() for p in exc.problems]},
                             ensure_ascii=False, indent=2))
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    return EXIT_OK


def run_check(data: Path | None, fmt: str) -> int:
    from optimizer.check import check_plan_consistency, findings_to_json, findings_to_text
    from optimizer.loader import DEFAULT_DATA_DIR, load_plan

    plan = load_plan(data or DEFAULT_DATA_DIR)
    findings = check_plan_consistency(plan)
    if fmt == "json":
        print(findings_to_json(findings))
    else:
        for note in plan.notes:
            print(f"note: {note}")
        print(findings_to_text(findings))
    return EXIT_FINDINGS if findings else EXIT_OK


def run_templates(out: Path) -> int:
    from optimizer.templates import write_templates

    for path in write_templates(out):
        print(path)
    return EXIT_OK
