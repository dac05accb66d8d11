"""Finding the files to ingest under the paths a user gives, safely (symlink loops, broken links)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ingest.manifest import MANIFEST_NAME


@dataclass(frozen=True)
class Found:
    """A candidate file (resolved path), or a path that cannot be used and why."""

    path: Path
    problem: str | None = None


def discover(paths: list[Path]) -> tuple[list[Found], list[Path]]:
    """(files to consider, directory roots walked), sorted and de-duplicated by real path.

    Hidden files and folders (".git", ".DS_Store") and the corpus manifest are not documents and
    are passed over silently; everything else is returned, so unsupported files get a reason.
    """
    found: dict[Path, Found] = {}
    roots: list[Path] = []
    for given in paths:
        try:
            if given.is_symlink() and not given.exists():
                found[given.absolute()] = Found(given.absolute(), "broken symbolic link")
            elif not given.exists():
                found[given.absolute()] = Found(given.absolute(), "no such file or directory")
            elif given.is_dir():
                root = given.resolve()
                roots.append(root)
                for item in _walk(root):
                    found.setdefault(item.path, item)
            else:
                real = given.resolve()
                found.setdefault(real, Found(real))
        except OSError as exc:  # a name too long, a folder we may list but not enter: this path only
            found[given.absolute()] = Found(given.absolute(), exc.strerror or str(exc))
    return sorted(found.values(), key=lambda f: str(f.path)), roots


def _walk(root: Path) -> list[Found]:
    items: list[Found] = []
    seen_dirs: set[str] = set()

    def unreadable(error: OSError) -> None:  # a folder we may not list is a failure to report, not a silent skip
        where = Path(error.filename) if error.filename else root
        items.append(Found(where.absolute(), f"cannot read this folder: {error.strerror or error}"))

    for directory, subdirs, files in os.walk(root, followlinks=True, onerror=unreadable):
        real = os.path.realpath(directory)
        if real in seen_dirs:  # a symlink loop or a second link to a folder already walked
            subdirs[:] = []
            continue
        seen_dirs.add(real)
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or name == MANIFEST_NAME:
                continue
            path = Path(directory, name)
            try:
                if path.is_symlink() and not path.exists():
                    items.append(Found(path.absolute(), "broken symbolic link"))
                else:
                    items.append(Found(path.resolve()))
            except OSError as exc:  # a folder we may list but not enter, a name too long: this file only
                items.append(Found(path.absolute(), exc.strerror or str(exc)))
    return items
