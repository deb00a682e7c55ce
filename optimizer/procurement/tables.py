"""The procurement data tables: thresholds, subsidised share of quotas, subsidy standards (data/, with basis).

They are read from the scenario's data folder like every other table; a folder without them (an older
bureau copy, a test fixture) falls back to the shipped ones, with a note saying so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from optimizer.data.calibration import check_ranges, read_ranges
from optimizer.data.schema import SCHEMAS
from optimizer.data.tables import parse_table, read_raw
from optimizer.errors import ProblemList
from optimizer.messages import msg

PROCUREMENT_TABLES = tuple(name for name, s in SCHEMAS.items() if s.part == "procurement")
SHIPPED = Path(__file__).resolve().parents[2] / "data"
THRESHOLD_ITEMS = ("public_tender_services", "procurement_limit_services")


@dataclass
class ProcurementTables:
    """Thresholds (yuan), subsidised share by school code, subsidy standard by (certificate type, level)."""

    thresholds: dict[str, float]
    shares: dict[str, float]
    standards: dict[tuple[str, str], float]
    notes: list[str] = field(default_factory=list)

    def share(self, school: str) -> float:
        """A school without a row counts as fully subsidised."""
        return self.shares.get(school, 1.0)

    def standard(self, certificate_type: str, level: str | None) -> float | None:
        return self.standards.get((certificate_type, level or ""))


def load_procurement_tables(folder: Path | str | None = None, courses: pd.DataFrame | None = None,
                            schools: set[str] | None = None) -> ProcurementTables:
    """Read and check the three tables; every problem is reported at once (InputError)."""
    problems = ProblemList()
    frames: dict[str, pd.DataFrame] = {}
    notes: list[str] = []
    shipped: set[str] = set()
    for name in PROCUREMENT_TABLES:
        path = _find(Path(folder) if folder else SHIPPED, name)
        if path is None or path.parent == SHIPPED:
            shipped.add(name)
        if path is None:
            path = _find(SHIPPED, name)
            notes.append(msg("proc.table.shipped", name=name, folder=folder))
        raw, found = read_raw(path, sheet=name)
        problems.extend(found)
        if raw is not None:
            frames[name] = parse_table(raw, SCHEMAS[name], problems)
            # issue 20: within the range public sources support (the ranges of the folder the table came from)
            check_ranges(frames[name], name, read_ranges(path.parent, problems), problems)
    problems.raise_if_any()
    th = frames["procurement_thresholds"]
    thresholds = dict(zip(th["item"], th["amount_yuan"].astype(float), strict=True))
    for item in THRESHOLD_ITEMS:
        if item not in thresholds:
            problems.add(th.attrs.get("file", "procurement_thresholds.csv"), None, "item", None,
                         msg("proc.table.missing_threshold", item=item))
    sh = frames["subsidised_share"]
    if schools is not None and "subsidised_share" not in shipped:  # the shipped shares name the shipped schools
        for r in sh.itertuples():
            if r.school not in schools:
                problems.add(sh.attrs.get("file", "subsidised_share.csv"), r.src_row, "school", r.school,
                             msg("proc.table.not_a_school"))
    st = frames["subsidy_standards"]
    standards = {(r.certificate_type, r.level or ""): float(r.yuan_per_trainee) for r in st.itertuples()}
    if courses is not None:
        for r in courses.itertuples():
            if (r.certificate_type, r.level or "") not in standards:
                problems.add(st.attrs.get("file", "subsidy_standards.csv"), None, "certificate_type",
                             r.certificate_type, msg("proc.table.no_standard", course=r.code,
                                                     ctype=r.certificate_type, level=r.level or ""))
    problems.raise_if_any()
    shares = dict(zip(sh["school"], sh["share"].astype(float), strict=True))
    return ProcurementTables(thresholds, shares, standards, notes)


def _find(folder: Path, name: str) -> Path | None:
    for suffix in (".csv", ".xlsx"):
        if (folder / f"{name}{suffix}").exists():
            return folder / f"{name}{suffix}"
    return None
