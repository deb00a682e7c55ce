"""The plan store: every run (solve, export, shortlist, intake, progress, replan) with its inputs and results.

Where: ``YUNNAN_PLAN_DB`` — a file path (SQLite), a ``sqlite:///…`` URL, or a ``postgresql://…`` URL (one
server the 16 bureaus and the province share; psycopg 3) — by default ``plans.sqlite`` in the user's data
folder (platformdirs). The schema is made and upgraded by Alembic migrations when the store is opened.
An export can be marked as submitted; later intake, progress and re-plan runs link to the latest submitted
export (``parent_id``). Recording never fails a command: ``record_run`` warns on stderr and returns None.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, selectinload

from optimizer.store.models import Output, Run

ENV_VAR = "YUNNAN_PLAN_DB"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
LINKED_COMMANDS = ("intake", "progress", "replan")  # runs that follow a submitted plan


def default_url() -> str:
    """The store's SQLAlchemy URL from ``YUNNAN_PLAN_DB`` or the user's data folder."""
    value = os.environ.get(ENV_VAR, "").strip()
    if not value:
        from platformdirs import user_data_dir

        value = str(Path(user_data_dir("yunnan-plan", appauthor=False)) / "plans.sqlite")
    return to_url(value)


def to_url(value: str) -> str:
    """A path or URL as SQLAlchemy wants it: PostgreSQL through psycopg 3, a bare path as SQLite."""
    if value.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if "://" in value:
        return value
    path = Path(value).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _engine(url: str) -> Engine:
    engine = create_engine(url, future=True)
    if url.startswith("sqlite"):
        @event.listens_for(engine, "connect")
        def _pragmas(conn, _record) -> None:  # foreign keys on; wait for another writer instead of failing
            cur = conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=5000")
            cur.close()
    return engine


HEAD_REVISION = "0001"  # newest migration in migrations/versions (a test checks it against Alembic's head)


def current_revision(engine: Engine) -> str | None:
    """The schema's migration, read without Alembic (importing Alembic costs about a second per command)."""
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (Alembic, in-process); nothing to do when it is there."""
    if current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@dataclass
class RunView:
    """A run as plain values (what ``runs list/show`` print)."""

    id: int
    command: str
    input_id: str | None
    status: str
    created: str
    submitted: str | None
    parent_id: int | None
    settings: dict
    key_figures: dict
    outputs: list[dict]
    note: str | None = None

    def brief(self) -> dict:
        return {"id": self.id, "command": self.command, "input_id": self.input_id, "status": self.status,
                "created": self.created, "submitted": self.submitted, "parent_id": self.parent_id}

    def to_dict(self) -> dict:
        return {**self.brief(), "settings": self.settings, "key_figures": self.key_figures,
                "outputs": self.outputs, "note": self.note}


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite hands back naive datetimes; they were stored in UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="seconds")


def _view(run: Run) -> RunView:
    return RunView(run.id, run.command, run.input_id, run.status, _iso(run.created), _iso(run.submitted),
                   run.parent_id, run.settings or {}, run.key_figures or {},
                   [{"name": o.name, "path": o.path, "bytes": o.bytes, "sha256": o.sha256} for o in run.outputs],
                   run.note)


def file_entries(paths: list[Path]) -> list[dict]:
    """Name, path, size and SHA-256 of each existing file (folders are walked)."""
    out = []
    for p in paths:
        files = sorted(f for f in Path(p).rglob("*") if f.is_file()) if Path(p).is_dir() else [Path(p)]
        for f in files:
            if f.is_file() and not f.name.startswith("."):
                data = f.read_bytes()
                out.append({"name": f.name, "path": str(f.resolve()), "bytes": len(data),
                            "sha256": hashlib.sha256(data).hexdigest()})
    return out


def _jsonable(value: object) -> object:
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


class Store:
    """An open plan store."""

    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        self.engine = _engine(self.url)
        migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def record(self, command: str, input_id: str | None, settings: dict, status: str, key_figures: dict,
               output_files: list[Path] | list[dict], parent_id: int | None = None, note: str | None = None) -> int:
        """Add a run; runs of ``LINKED_COMMANDS`` link to the latest submitted export unless told otherwise."""
        entries = [e if isinstance(e, dict) else None for e in output_files]
        if any(e is None for e in entries):
            entries = file_entries([Path(p) for p in output_files])
        with Session(self.engine) as s, s.begin():
            if parent_id is None and command in LINKED_COMMANDS:
                parent_id = self._latest_submitted(s, input_id)
            run = Run(command=command, input_id=input_id, status=status, settings=_jsonable(settings),
                      key_figures=_jsonable(key_figures), created=dt.datetime.now(dt.UTC), parent_id=parent_id,
                      note=note, outputs=[Output(**e) for e in entries])
            s.add(run)
            s.flush()
            return run.id

    @staticmethod
    def _latest_submitted(s: Session, input_id: str | None) -> int | None:
        """The newest submitted export: of the same inputs if there is one, else any."""
        base = select(Run.id).where(Run.command == "export", Run.submitted.is_not(None)).order_by(
            Run.submitted.desc(), Run.id.desc())
        if input_id:
            same = s.scalars(base.where(Run.input_id == input_id)).first()
            if same is not None:
                return same
        return s.scalars(base).first()

    def runs(self, command: str | None = None, limit: int | None = None) -> list[RunView]:
        """Runs, newest first."""
        with Session(self.engine) as s:
            q = select(Run).options(selectinload(Run.outputs)).order_by(Run.id.desc())
            if command:
                q = q.where(Run.command == command)
            if limit:
                q = q.limit(limit)
            return [_view(r) for r in s.scalars(q)]

    def get(self, run_id: int) -> RunView | None:
        with Session(self.engine) as s:
            run = s.get(Run, run_id, options=[selectinload(Run.outputs)])
            return _view(run) if run else None

    def submit(self, run_id: int, when: dt.datetime | None = None) -> RunView:
        """Mark an export as submitted to the province; KeyError / ValueError for a missing or other run."""
        with Session(self.engine) as s, s.begin():
            run = s.get(Run, run_id)
            if run is None:
                raise KeyError(run_id)
            if run.command != "export":
                raise ValueError(run.command)
            run.submitted = when or dt.datetime.now(dt.UTC)
        return self.get(run_id)

    def linked(self, run_id: int) -> list[RunView]:
        """Runs that follow this one (intake, progress, re-plans of a submitted export)."""
        with Session(self.engine) as s:
            q = select(Run).options(selectinload(Run.outputs)).where(Run.parent_id == run_id).order_by(Run.id)
            return [_view(r) for r in s.scalars(q)]


def diff_runs(a: RunView, b: RunView) -> dict:
    """What differs between two runs: inputs, settings, key figures (with B − A for numbers), output files."""
    def flat(d: dict, prefix: str = "") -> dict:
        out = {}
        for k, v in d.items():
            key = f"{prefix}{k}"
            if isinstance(v, dict):
                out.update(flat(v, key + "."))
            else:
                out[key] = v
        return out

    def compare(x: dict, y: dict) -> list[dict]:
        fx, fy = flat(x), flat(y)
        rows = []
        for k in sorted(set(fx) | set(fy)):
            va, vb = fx.get(k), fy.get(k)
            if va != vb:
                row = {"key": k, "a": va, "b": vb}
                if isinstance(va, int | float) and isinstance(vb, int | float) and not isinstance(va, bool):
                    row["difference"] = round(vb - va, 6)
                rows.append(row)
        return rows

    files_a = {o["name"]: o["sha256"] for o in a.outputs}
    files_b = {o["name"]: o["sha256"] for o in b.outputs}
    files = [{"name": n, "a": "present" if n in files_a else "absent", "b": "present" if n in files_b else "absent",
              "same": files_a.get(n) == files_b.get(n)} for n in sorted(set(files_a) | set(files_b))]
    return {"a": a.brief(), "b": b.brief(), "same_inputs": a.input_id == b.input_id,
            "settings": compare(a.settings, b.settings), "key_figures": compare(a.key_figures, b.key_figures),
            "files": [f for f in files if not f["same"]], "files_same": sum(1 for f in files if f["same"])}


_OPEN: dict[str, Store] = {}


def open_store(url: str | None = None) -> Store:
    """The store at ``url`` (default: ``default_url()``), migrated once per process."""
    url = url or default_url()
    if url not in _OPEN:
        _OPEN[url] = Store(url)
    return _OPEN[url]


def record_run(command: str, input_id: str | None, settings: dict, status: str, key_figures: dict,
               output_files: list[Path] | list[dict], **extra) -> int | None:
    """Record a run in the default store; never raises: a failure is a warning on stderr and None."""
    from optimizer.messages import msg

    try:
        return open_store().record(command, input_id, settings, status, key_figures, output_files, **extra)
    except Exception as exc:
        reason = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        print(msg("store.record_failed", reason=reason), file=sys.stderr)
        return None
