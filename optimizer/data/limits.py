"""Limits checked before any work is done, so no input can exhaust memory or time (docs/errors.md lists them).

Every number here is a setting of this tool, not a rule of the notice: each is far above what a real
input needs (the shipped tables are under 100 kB and 350 rows, a scenario file under 2 kB, a base chain
two files long) and far below what would take the machine down. A file is read only when it is a regular
file (a pipe or a device would be read for ever), through a descriptor opened without blocking, at most
one byte past its limit. A workbook is checked as a zip *before* openpyxl sees it: its parts, their
declared unpacked sizes (zipfile never unpacks more than a part declares), the shared strings (counted
as a stream: strings and characters) and every sheet's declared ``<dimension>``; rows and cells are
counted again while it is read, in case the declaration lies.
YAML is composed by a loader that counts aliases and depth as it goes and refuses a document whose
aliases would expand it beyond a bound, before anything is built from it.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import unicodedata
import zipfile
from pathlib import Path

import yaml

from optimizer.errors import ProblemList
from optimizer.messages import msg

MB = 1024 * 1024
# Input tables (CSV, .xlsx): the largest file, its unpacked size, parts, rows, columns, cells.
MAX_INPUT_BYTES = 20 * MB
MAX_XLSX_UNPACKED_BYTES = 100 * MB
MAX_XLSX_PARTS = 1000
MAX_TABLE_ROWS = 100_000
MAX_TABLE_COLUMNS = 500  # Annex 4 is the widest table: 31 columns
MAX_TABLE_CELLS = 2_000_000
# A workbook's shared strings (openpyxl loads them all before the first row): no more strings than a sheet may
# have cells, and no more text than the largest CSV may hold.
MAX_SHARED_STRINGS = MAX_TABLE_CELLS
MAX_SHARED_STRING_CHARS = 20_000_000
# Scenario files: size, aliases, values after alias expansion, nesting, base: chain.
MAX_YAML_BYTES = 256 * 1024
MAX_YAML_ALIASES = 100
MAX_YAML_NODES = 20_000
MAX_YAML_DEPTH = 20
MAX_BASE_CHAIN = 8
# Boundary files (GeoJSON): the province's counties are ~1.1 MB simplified.
MAX_GEOJSON_BYTES = 100 * MB
MAX_JSON_DEPTH = 32
# Text: a name (prefecture, county, school, unit, profession), a code, any other cell.
MAX_NAME_LENGTH = 100
MAX_CODE_LENGTH = 64
MAX_TEXT_LENGTH = 2000
# Any number without a narrower range of its own (more than 20 times Yunnan's population; more than
# the province's whole training budget in yuan).
MAX_ANY_NUMBER = 1e9

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([^\"]+)\"")
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,7})$")


def size_text(n: int) -> str:
    """20 MB, 256 kB: how a limit is shown."""
    return f"{n // MB} MB" if n >= MB else f"{n // 1024} kB"


def read_bounded(source: Path | str, limit: int, what: str, problems: ProblemList, file: str | None = None,
                 **words: str) -> bytes | None:
    """The bytes of a regular file of at most ``limit`` bytes, or None with the problem added.

    ``what`` is a message key naming the kind of file (``limits.what_table`` …); ``words`` are the
    row/column words of the file's problems (``line``/``key`` for YAML); ``file``: the name the user gave."""
    file = file or Path(source).name
    try:
        fd = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        problems.add(file, None, None, None, _open_error(exc), **words)
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            problems.add(file, None, None, None, msg("limits.not_regular"), **words)
            return None
        if info.st_size > limit:
            problems.add(file, None, None, msg("limits.found_bytes", n=f"{info.st_size:,}"),
                         msg("limits.too_large", limit=size_text(limit), what=msg(what)), **words)
            return None
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        problems.add(file, None, None, None, msg("limits.cannot_read", reason=exc.strerror or exc), **words)
        return None
    finally:
        os.close(fd)
    if len(data) > limit:  # grew while being read
        problems.add(file, None, None, msg("limits.found_more_bytes", n=f"{limit:,}"),
                     msg("limits.too_large", limit=size_text(limit), what=msg(what)), **words)
        return None
    return data


def _open_error(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return msg("limits.symlink_loop")
    if exc.errno == errno.ENOENT:
        return msg("limits.not_found")
    if exc.errno == errno.EISDIR:
        return msg("limits.not_regular")
    return msg("limits.cannot_read", reason=exc.strerror or exc)


def check_size(data: bytes, file: str, limit: int, what: str, problems: ProblemList) -> bool:
    """True when uploaded ``data`` is within ``limit``; otherwise the problem is added."""
    if len(data) <= limit:
        return True
    problems.add(file, None, None, msg("limits.found_bytes", n=f"{len(data):,}"),
                 msg("limits.too_large", limit=size_text(limit), what=msg(what)))
    return False


# --- workbooks ---------------------------------------------------------------------------------------------


def _cell_position(ref: str) -> tuple[int, int] | None:
    """(row, column) of an A1 reference, or None."""
    m = _CELL.match(ref.strip())
    if not m:
        return None
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def dimension_size(ref: str) -> tuple[int, int] | None:
    """(rows, columns) spanned by a ``<dimension ref="A1:D20"/>``, or None when unreadable."""
    parts = [_cell_position(p) for p in ref.split(":")]
    if not parts or any(p is None for p in parts) or len(parts) > 2:
        return None
    first, last = parts[0], parts[-1]
    return abs(last[0] - first[0]) + 1, abs(last[1] - first[1]) + 1


def check_xlsx(data: bytes, file: str, problems: ProblemList) -> bool:
    """Inspect a workbook as a zip before loading it: parts, unpacked size, every sheet's declared range."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        problems.add(file, None, None, None, msg("limits.xlsx_unreadable", reason=type(exc).__name__))
        return False
    if len(members) > MAX_XLSX_PARTS:
        problems.add(file, None, None, msg("limits.found_parts", n=f"{len(members):,}"),
                     msg("limits.xlsx_members", limit=MAX_XLSX_PARTS))
        return False
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        problems.add(file, None, None, msg("limits.found_bytes", n=f"{unpacked:,}"),
                     msg("limits.xlsx_uncompressed", limit=size_text(MAX_XLSX_UNPACKED_BYTES)))
        return False
    ok = _shared_strings_ok(archive, file, problems)
    for member in members:
        if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", member.filename):
            continue
        try:
            with archive.open(member) as part:
                head = part.read(64 * 1024)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
            problems.add(file, None, None, None, msg("limits.xlsx_unreadable", reason=type(exc).__name__))
            return False
        found = _DIMENSION.search(head)
        if not found:
            continue
        ref = found.group(1).decode("ascii", "replace")
        size = dimension_size(ref)
        if size and (size[0] > MAX_TABLE_ROWS or size[1] > MAX_TABLE_COLUMNS or size[0] * size[1] > MAX_TABLE_CELLS):
            problems.add(file, None, None, ref, msg("limits.xlsx_dimension", sheet=Path(member.filename).stem,
                                                    ref=ref, rows=f"{MAX_TABLE_ROWS:,}",
                                                    columns=MAX_TABLE_COLUMNS, cells=f"{MAX_TABLE_CELLS:,}"))
            ok = False
    return ok


_SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_OVERRIDE = re.compile(rb"<(?:\w+:)?Override\b[^>]*>")
_ATTRIBUTE = re.compile(rb"(\w+)\s*=\s*\"([^\"]*)\"")


def shared_strings_parts(archive: zipfile.ZipFile) -> list[str]:
    """The parts holding shared strings: those [Content_Types].xml declares (where openpyxl looks) and any
    part named like one."""
    names = {m.filename for m in archive.infolist()}
    parts = {n for n in names if n.lower().endswith("sharedstrings.xml")}
    if "[Content_Types].xml" in names:
        with archive.open("[Content_Types].xml") as f:
            declared = f.read(MB)
        for element in _OVERRIDE.findall(declared):
            attributes = dict(_ATTRIBUTE.findall(element))
            if attributes.get(b"ContentType", b"").decode("ascii", "replace") == _SHARED_STRINGS_TYPE:
                parts.add(attributes.get(b"PartName", b"").decode("utf-8", "replace").lstrip("/"))
    return sorted(p for p in parts if p in names)


class _SharedStringsLimit(Exception):
    """Raised inside the XML parser as soon as a bound is passed."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


_TAG = re.compile(rb"<[^<>]*>")
_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")


class _NotPlain(Exception):
    """The part has declarations, comments or CDATA (``<!``): counted again by the XML parser."""


def count_shared_strings(open_part, max_strings: int = MAX_SHARED_STRINGS,
                         max_chars: int = MAX_SHARED_STRING_CHARS) -> tuple[int, int]:
    """(strings, characters of text at most) of a sharedStrings part, streamed in 1 MB chunks, nothing kept.

    ``open_part()`` opens the part. Plain XML is counted on its bytes (tags ``<si>``; text = bytes outside
    tags, an upper bound on its characters) at C speed; a part with ``<!`` is parsed by expat instead. Raises
    ``_SharedStringsLimit`` at the first string or character past a bound, ``ValueError`` for bad XML."""
    try:
        with open_part() as stream:
            return _count_plain(stream, max_strings, max_chars)
    except _NotPlain:
        with open_part() as stream:
            return _count_with_expat(stream, max_strings, max_chars)


def _count_plain(stream, max_strings: int, max_chars: int) -> tuple[int, int]:
    strings = chars = 0
    carry = b""
    while chunk := stream.read(MB):
        data = carry + chunk
        if b"<!" in data:
            raise _NotPlain
        cut = data.rfind(b"<")
        if cut == -1 or data.find(b">", cut) != -1:
            cut = len(data)  # no tag left open at the end
        body, carry = data[:cut], data[cut:]
        if len(carry) > MB:
            raise ValueError("a tag longer than 1 MB")
        strings += len(_SI.findall(body))
        chars += len(_TAG.sub(b"", body))
        if strings > max_strings:
            raise _SharedStringsLimit("strings")
        if chars > max_chars:
            raise _SharedStringsLimit("chars")
    if carry:
        raise ValueError("the part ends inside a tag")
    return strings, chars


def _count_with_expat(stream, max_strings: int, max_chars: int) -> tuple[int, int]:
    """The exact count through expat (text inside <t> only); a DOCTYPE, which could define expanding
    entities, is refused."""
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    counts = {"strings": 0, "chars": 0, "in_text": 0}

    def start(name: str, attrs) -> None:
        local = name.rsplit(" ", 1)[-1]
        if local == "si":
            counts["strings"] += 1
            if counts["strings"] > max_strings:
                raise _SharedStringsLimit("strings")
        elif local == "t":
            counts["in_text"] += 1

    def end(name: str) -> None:
        if name.rsplit(" ", 1)[-1] == "t":
            counts["in_text"] -= 1

    def text(data: str) -> None:
        if counts["in_text"]:
            counts["chars"] += len(data)
            if counts["chars"] > max_chars:
                raise _SharedStringsLimit("chars")

    def doctype(*_args) -> None:
        raise ValueError("DOCTYPE in a workbook part")

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler, parser.StartDoctypeDeclHandler = text, doctype
    try:
        while chunk := stream.read(MB):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise ValueError(str(exc)) from None
    return counts["strings"], counts["chars"]


def _shared_strings_ok(archive: zipfile.ZipFile, file: str, problems: ProblemList) -> bool:
    """Bound the shared strings (count and characters) before openpyxl loads them all into memory."""
    for part in shared_strings_parts(archive):
        try:
            count_shared_strings(lambda part=part: archive.open(part))
        except _SharedStringsLimit as exc:
            found = (msg("limits.found_strings", n=f"{MAX_SHARED_STRINGS:,}") if exc.what == "strings"
                     else msg("limits.found_chars", n=f"{MAX_SHARED_STRING_CHARS:,}"))
            problems.add(file, None, None, found, msg("limits.xlsx_shared_strings", strings=f"{MAX_SHARED_STRINGS:,}",
                                                      chars=f"{MAX_SHARED_STRING_CHARS:,}"))
            return False
        except (ValueError, zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
            problems.add(file, None, None, None, msg("limits.xlsx_unreadable", reason=type(exc).__name__))
            return False
    return True


class TooLarge(Exception):
    """Raised while rows are read when a table passes the row, column or cell limit."""


def bounded_rows(rows):
    """Yield rows (lists of cells) until a limit is passed, then raise ``TooLarge``: the declaration of
    a sheet may lie, a CSV declares nothing. Trailing blank cells (openpyxl pads rows to the declared
    width) do not count as columns."""
    cells = 0
    for n, row in enumerate(rows, start=1):
        if n > MAX_TABLE_ROWS:
            raise TooLarge
        if len(row) > MAX_TABLE_COLUMNS:
            row = list(row)
            while row and row[-1] in (None, ""):
                row.pop()
            if len(row) > MAX_TABLE_COLUMNS:
                raise TooLarge
        cells += len(row)
        if cells > MAX_TABLE_CELLS:
            raise TooLarge
        yield row


# --- text --------------------------------------------------------------------------------------------------


def text_problem(text: str, limit: int, is_name: bool = False) -> str | None:
    """Why ``text`` is not acceptable as a cell (control characters, length, a separator in a name)."""
    if len(text) > limit:
        return msg("limits.text_too_long", limit=limit)
    allowed = "" if is_name else "\t\n\r"  # a description may have lines; a name may not
    # fast path (most cells): str.isprintable() is False for every character of categories C* and Zl/Zp, so a
    # printable text has none of the characters below; only the rest is checked character by character
    if not text.isprintable() and any(
            (unicodedata.category(ch)[0] == "C" or unicodedata.category(ch) in ("Zl", "Zp")) and ch not in allowed
            for ch in text):
        return msg("limits.control_char")
    if is_name and ("/" in text or "\\" in text):
        return msg("limits.path_separator")
    return None


def shown(value: object, limit: int = 120) -> str:
    """A value as a message shows it: cut to ``limit`` characters."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + f"… ({len(text):,} characters)"


# --- YAML --------------------------------------------------------------------------------------------------


class YamlLimit(yaml.YAMLError):
    """A YAML document passed a limit while it was being composed."""

    def __init__(self, message: str, mark) -> None:
        super().__init__(message)
        self.message = message
        self.problem_mark = mark


class BoundedLoader(yaml.SafeLoader):
    """SafeLoader that counts aliases and nesting while composing, and keeps dates as text.

    A date is left as text so that ``as_of: 2022-02-30`` is a validation error at its line (pydantic
    parses the text), not a ``ValueError`` from the YAML library."""

    def __init__(self, stream) -> None:
        super().__init__(stream)
        self._aliases = 0
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_YAML_ALIASES:
                raise YamlLimit(msg("limits.yaml_aliases", limit=MAX_YAML_ALIASES), self.peek_event().start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise YamlLimit(msg("limits.yaml_depth", limit=MAX_YAML_DEPTH), self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


BoundedLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def expanded_size(node, memo: dict[int, int] | None = None, limit: int = MAX_YAML_NODES) -> int:
    """Values in the document once every alias is expanded (a shared node counts every time it is used)."""
    memo = {} if memo is None else memo
    if id(node) in memo:
        return memo[id(node)]
    total = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            total += expanded_size(child, memo, limit)
            if total > limit:
                break
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            total += expanded_size(key, memo, limit) + expanded_size(value, memo, limit)
            if total > limit:
                break
    memo[id(node)] = total
    return total


def load_yaml(text: str):
    """(document, node) of a YAML text within the limits; raises ``yaml.YAMLError`` (a ``YamlLimit``
    for a passed limit) otherwise."""
    loader = BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        if expanded_size(node) > MAX_YAML_NODES:
            raise YamlLimit(msg("limits.yaml_nodes", limit=f"{MAX_YAML_NODES:,}"), node.start_mark)
        return loader.construct_document(node), node
    finally:
        loader.dispose()


def json_depth_ok(doc: object, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when ``doc`` (parsed JSON) is nested at most ``limit`` levels (checked without recursion)."""
    stack = [(doc, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return True
