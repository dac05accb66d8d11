"""Small file facts shared by the layers that write files other processes read or replace."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """Identity of the file's current version (an atomic replace changes the inode); None if absent."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def write_atomically(path: Path, write: Callable[[str], None]) -> None:
    """Call `write(temporary path)` beside `path`, then rename it over `path` (same filesystem).

    Readers see the old file or the new one, never a half-written one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ESCAPE = re.compile(rb"\\x([0-9a-fA-F]{2})")


def stored_path(path: Path | str) -> str:
    """A file path as the store keeps it and the CLI prints it: always valid UTF-8, on one line.

    Names that are not UTF-8 (archives from old Windows machines) keep their bytes as `\\xNN`, and
    control characters (a newline in a name would forge a line of the ingest summary) are written
    the same way; `filesystem_path` maps the text back to the file.

    >>> stored_path("/in/Quyết định.txt"), stored_path(os.fsdecode(b"/in/caf\\xe9.txt")), stored_path("/in/a\\nb")
    ('/in/Quyết định.txt', '/in/caf\\\\xe9.txt', '/in/a\\\\x0ab')
    """
    text = os.fsencode(path).decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def filesystem_path(stored: str) -> Path:
    """The file a `stored_path` text names (the text itself when no escaped file exists).

    >>> filesystem_path(stored_path("/in/plain.txt"))
    PosixPath('/in/plain.txt')
    """
    if "\\x" in stored:
        candidate = Path(os.fsdecode(_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), stored.encode("utf-8"))))
        if os.path.lexists(candidate):
            return candidate
    return Path(stored)
