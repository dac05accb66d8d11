"""Published read-only copies of the graph: one writer, any number of readers in any process.

The writer (an ingest, or a catch-up under the store's writer lock) changes the live Oxigraph store
and then publishes a checkpoint of it; `CURRENT` names the newest. Readers (the web server's
threads, its SPARQL workers, the query commands) open the published checkpoint read-only and
move to a newer one when `CURRENT` changes. They cannot use the live store: its writer holds
Oxigraph's lock, and its files come and go with compaction (a read-only open of a live store
failed that way in CI). A checkpoint hard-links the store's files, so publishing is cheap; the
newest few are kept, and a reader still holding a deleted one keeps reading its open files.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from core.errors import StoreError

KEEP = 3
CURRENT = "CURRENT"


def snapshot_root(graph_path: Path) -> Path:
    """Where the checkpoints of the live store at `graph_path` are published (a sibling folder)."""
    graph_path = Path(graph_path)
    return graph_path.with_name(graph_path.name + "-snapshots")


def publish(store, root: Path, label: str) -> Path:
    """Checkpoint `store` (a pyoxigraph.Store) under `root/label`, make it CURRENT, drop old ones."""
    root.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns()}-{label}"  # sorts by publication time
    staging = root / f".{name}.tmp"
    store.backup(str(staging))
    os.replace(staging, root / name)
    pointer = root / f".{CURRENT}.{name}.tmp"
    pointer.write_text(name + "\n", encoding="utf-8")
    os.replace(pointer, root / CURRENT)
    _prune(root, keep=name)
    return root / name


def current(root: Path) -> Path | None:
    """The newest published checkpoint, or None when nothing has been published yet."""
    try:
        name = (Path(root) / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"the pointer {Path(root) / CURRENT} is damaged ({exc}): run 'reform reindex'") from None
    path = Path(root) / name
    if "/" in name or name.startswith(".") or not name:
        raise StoreError(f"the pointer {Path(root) / CURRENT} is damaged: run 'reform reindex'")
    return path if path.is_dir() else None


def _prune(root: Path, *, keep: str) -> None:
    published = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name)
    for old in [p for p in published if p.name != keep][: -(KEEP - 1) or None]:
        shutil.rmtree(old, ignore_errors=True)
    for leftover in root.glob(".*.tmp"):  # a publish that died half-way
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
