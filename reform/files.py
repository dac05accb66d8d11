"""Small file facts shared by the layers that follow files other processes replace."""

from __future__ import annotations

import os
from pathlib import Path


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """Identity of the file's current version (an atomic replace changes the inode); None if absent."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size
