"""Small file facts shared by the layers that write files other processes read or replace."""

from __future__ import annotations

import os
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
