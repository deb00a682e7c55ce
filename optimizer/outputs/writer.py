"""The one output writer: a folder holds one run, written all or nothing.

Every command that writes to ``--out`` collects its files in an ``OutputSet`` and commits it:

1. a lock per folder (``filelock``: portable, where ``fcntl`` is POSIX only; the lock file lives in the system's
   temporary folder, named by a hash of the output folder's path, so nothing of it is left in the output)
   serialises two runs into one folder;
2. staging folders that a killed run left behind (``.staging-*``) are removed;
3. every file is written into a private staging folder inside the output folder (same file system, so the
   final moves are renames); a write error of any library (``OSError``, xlsxwriter's ``FileCreateError`` …)
   removes the staging folder and is raised as ``OutputError`` (exit 5), leaving the folder as it was;
4. the earlier run's ``manifest.json`` is removed first, then the earlier run's files that this run does
   not write (those its manifest lists) are removed, then the new files are moved in, and the new
   ``manifest.json`` (command, input_id, status, files) last: a folder without a manifest is a run that did
   not finish.

Only files an earlier manifest lists are ever removed or replaced. A file that merely has the name of one of
this command's outputs (a run of a version before manifests, or a copy a user put there) is moved into a
sub-folder ``earlier-<date-time>/``, never deleted. Any other file in the way of a new one is never
replaced: the commit stops with ``OutputError`` before touching anything. This is what keeps
``templates --out data`` from replacing real data tables.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from filelock import FileLock, Timeout

from optimizer.messages import msg

MANIFEST = "manifest.json"
STAGING_PREFIX = ".staging-"
LOCK_TIMEOUT_S = 120  # another run writing into the same folder: wait this long, then give up (exit 5)

# Files the commands of this tool write, by command; an earlier run's files of these names may be replaced or
# removed even where the earlier run left no manifest (runs of versions before manifests existed).
KNOWN_OUTPUTS: dict[str, tuple[str, ...]] = {
    "solve": ("school_allocation.csv", "project_allocation.csv", "institution_load.csv", "classes.csv",
              "summary.json", "diagnosis.json", "timings.json"),
    "export": ("breakdown.csv", "summary.json", "timings.json", "diagnosis.json"),
    "shortlist": ("lots.csv", "shortlist_entries.csv", "shortlist_summary.csv", "awards.csv", "shortlists.xlsx",
                  "timings.json", "summary.json", "diagnosis.json", "criteria.csv", "award_capacity.csv",
                  "award_shortfall.csv", "settings.json"),
    "evaluate": ("evaluation.csv", "evaluation.xlsx"),
    "compare": ("comparison.xlsx", "comparison.json"),
    "sweep": ("sweep.csv", "variability_counties.csv", "variability_schools.csv"),
    "assumptions": ("assumptions.csv", "assumptions_by_prefecture.csv", "assumptions.xlsx", "timings.json"),
}
KNOWN_SUFFIXES = {"export": (".xlsx", ".pdf"), "sweep": (".png",)}


class OutputError(Exception):
    """The output could not be written; nothing of this run was left in the folder."""

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def write_errors() -> tuple[type[BaseException], ...]:
    """Exception types that mean 'this file could not be written', whichever library raised them."""
    errors: list[type[BaseException]] = [OSError]
    try:
        from xlsxwriter.exceptions import XlsxWriterException

        errors.append(XlsxWriterException)
    except ImportError:  # pragma: no cover - xlsxwriter is a dependency
        pass
    import zipfile

    errors.append(zipfile.BadZipFile)
    return tuple(errors)


FORMULA_PREFIXES = ("=", "+", "-", "@")


def neutralise_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would read as a formula are prefixed with an apostrophe; only those cells are
    touched (a country-scale classes.csv has a million text cells, and mapping each one cost a second)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            mask = _formula_like(out[column])
            if mask.any():
                out.loc[mask, column] = "'" + out.loc[mask, column]
    return out


def _formula_like(values: pd.Series) -> np.ndarray:
    """Which cells are text starting like a formula (=, +, -, @)."""
    if isinstance(values.dtype, pd.StringDtype):  # vectorised on pandas' own string columns
        return values.str.startswith(FORMULA_PREFIXES).fillna(False).to_numpy(dtype=bool)
    return np.fromiter((isinstance(v, str) and v.startswith(FORMULA_PREFIXES) for v in values.to_numpy(dtype=object)),
                       dtype=bool, count=len(values))


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """CSV in UTF-8 with BOM (Excel then shows the Chinese), formulas neutralised, LF line ends."""
    neutralise_text(frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")


def json_text(content: object) -> str:
    """Strict JSON (no NaN or Infinity: they are not JSON), UTF-8 text with Chinese kept readable."""
    return json.dumps(content, ensure_ascii=False, indent=2, default=str, allow_nan=False) + "\n"


@dataclass
class OutputSet:
    """The files of one run, written into ``out`` by ``commit`` all or nothing."""

    out: Path
    command: str
    input_id: str | None = None
    status: str = "ok"
    details: dict[str, object] = field(default_factory=dict)
    _writers: dict[str, Callable[[Path], None]] = field(default_factory=dict)
    _folder_writers: list[Callable[[Path], list[str]]] = field(default_factory=list)
    set_aside: dict[str, object] | None = None  # after commit: files no manifest listed, moved into a sub-folder

    def frame(self, name: str, frame: pd.DataFrame) -> None:
        self._writers[name] = lambda path: write_csv(frame, path)

    def json(self, name: str, content: object) -> None:
        text = json_text(content)
        self._writers[name] = lambda path: path.write_text(text, encoding="utf-8")

    def bytes(self, name: str, data: bytes) -> None:
        self._writers[name] = lambda path: path.write_bytes(data)

    def file(self, name: str, write: Callable[[Path], None]) -> None:
        """A file written by ``write(path)`` (an xlsx writer, a plot …)."""
        self._writers[name] = write

    def folder(self, write: Callable[[Path], list[str]]) -> None:
        """Several files written by ``write(folder)`` into the staging folder; returns their names."""
        self._folder_writers.append(write)

    def commit(self) -> list[Path]:
        """Write everything, then replace the folder's earlier run; raises OutputError (nothing left) on failure."""
        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except write_errors() as exc:
            raise OutputError(self.out, _reason(exc)) from None
        if not self.out.is_dir():
            raise OutputError(self.out, msg("out.not_a_folder"))
        try:
            with FileLock(str(lock_path(self.out)), timeout=LOCK_TIMEOUT_S):
                return self._commit_locked()
        except Timeout:
            raise OutputError(self.out, msg("out.busy", seconds=LOCK_TIMEOUT_S)) from None
        except write_errors() as exc:  # the lock file itself could not be made
            raise OutputError(self.out, _reason(exc)) from None

    def _commit_locked(self) -> list[Path]:
        remove_stale_staging(self.out)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.out))
        try:
            names = self._write_all(staging)
            # a folder where a file goes fails only at its os.replace, after the files before it had been
            # moved and the manifest removed (intake --out x.xlsx beside a folder x.xlsx left x.csv behind)
            folder = next((n for n in sorted(names) if (self.out / n).is_dir()), None)
            if folder is not None:
                raise OutputError(self.out / folder, msg("out.folder_in_the_way"))
            listed = manifest_files(self.out)
            set_aside = self._set_aside(names, listed)
            manifest = {"command": self.command, "input_id": self.input_id, "status": self.status,
                        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                        "files": sorted(names), **self.details}
            if set_aside:
                manifest["set_aside"] = set_aside
                self.set_aside = set_aside
            (staging / MANIFEST).write_text(json_text(manifest), encoding="utf-8")
            _remove(self.out / MANIFEST)
            for name in sorted(listed - set(names)):
                _remove(self.out / name)
            if set_aside:
                keep = self.out / set_aside["folder"]
                keep.mkdir()
                for name in set_aside["files"]:
                    os.replace(self.out / name, keep / name)
            written = []
            for name in sorted(names):
                target = self.out / name
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / name, target)
                written.append(target)
            os.replace(staging / MANIFEST, self.out / MANIFEST)
            return [*written, self.out / MANIFEST]
        except write_errors() as exc:
            raise OutputError(getattr(exc, "filename", None) or self.out, _reason(exc)) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _set_aside(self, names: list[str], listed: set[str]) -> dict[str, object] | None:
        """Files no manifest lists: those named like this command's outputs are kept aside in a dated sub-folder
        (an earlier version's run, a user's copy: nothing is lost); anything else in the way stops the run."""
        known = set(KNOWN_OUTPUTS.get(self.command, ())) | set(names)
        suffixes = KNOWN_SUFFIXES.get(self.command, ())
        aside, foreign = [], []
        for path in sorted(self.out.iterdir()):
            if not path.is_file() or path.name in listed or path.name == MANIFEST:
                continue
            ours = path.name in KNOWN_OUTPUTS.get(self.command, ()) or \
                (path.name.endswith(suffixes) and _ours_by_pattern(path.name))
            if ours:
                aside.append(path.name)
            elif path.name in known:
                foreign.append(path.name)
        if foreign:
            raise OutputError(self.out / foreign[0], msg("out.foreign"))
        if not aside:
            return None
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = f"earlier-{stamp}"
        n = 1
        while (self.out / folder).exists():
            n += 1
            folder = f"earlier-{stamp}-{n}"
        return {"folder": folder, "files": aside}

    def _write_all(self, staging: Path) -> list[str]:
        names = []
        for name, write in self._writers.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            write(path)
            names.append(name)
        for write in self._folder_writers:
            names.extend(write(staging))
        return names


def lock_path(out: Path) -> Path:
    """The lock file of an output folder: in the temporary folder, one per folder path."""
    import hashlib

    digest = hashlib.sha256(str(out.resolve()).encode("utf-8")).hexdigest()[:20]
    return Path(tempfile.gettempdir()) / f"yunnan-plan-{digest}.lock"


def manifest_files(out: Path) -> set[str]:
    """Files an earlier run wrote into ``out``, as its manifest lists them (inside the folder, still there)."""
    names: set[str] = set()
    manifest = out / MANIFEST
    if manifest.is_file():
        try:
            listed = json.loads(manifest.read_text(encoding="utf-8")).get("files", [])
            names.update(str(n) for n in listed if isinstance(n, str) and _inside(out, n))
        except (OSError, ValueError, AttributeError):
            pass  # an unreadable manifest lists nothing
    return {n for n in names if (out / n).is_file()}


def _ours_by_pattern(name: str) -> bool:
    """Named like this tool's workbooks (<adcode>_<prefecture>.xlsx) or sweep plots (sweep_*.png)."""
    stem = name.rsplit(".", 1)[0]
    return (stem[:6].isdigit() and stem[6:7] == "_") or stem.startswith("sweep_")


def _inside(out: Path, name: str) -> bool:
    try:
        return (out / name).resolve().is_relative_to(out.resolve())
    except (OSError, ValueError):
        return False


def remove_stale_staging(out: Path) -> None:
    """Staging folders left by a run that was killed (we hold the folder's lock, so none is in use)."""
    for path in out.glob(f"{STAGING_PREFIX}*"):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
    for path in out.glob(".writing-*"):  # staging folders of earlier versions
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)


def _remove(path: Path) -> None:
    if path.is_file() or path.is_symlink():
        path.unlink()


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def read_manifest(out: Path) -> dict | None:
    """The folder's manifest, or None where there is none (or it cannot be read)."""
    try:
        return json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
