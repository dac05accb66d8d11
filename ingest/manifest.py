"""Corpus manifests: a `manifest.json` beside the documents supplies metadata the text does not state.

Format: {"documents": [{"file": "000_x.txt", "title": "…", "source": "…", "date": "YYYY-MM-DD",
"topic": "…"}]}. Entries win over what ingest finds in the text, so curators can correct titles.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.errors import IngestError

MANIFEST_NAME = "manifest.json"
_FIELDS = ("title", "source", "date", "topic", "author")


def load_manifest(directory: Path) -> dict[Path, dict[str, Any]]:
    """Entries of `directory/manifest.json` keyed by resolved file path; {} when there is none."""
    manifest = directory / MANIFEST_NAME
    if not manifest.is_file():
        return {}
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        entries = data["documents"]
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise IngestError(f'{manifest} is not a valid manifest ({exc}): expected {{"documents": [{{"file": …}}]}}') from None
    result = {}
    for entry in entries:
        if not isinstance(entry, dict) or "file" not in entry:
            raise IngestError(f'{manifest}: every entry needs a "file" key, got {entry!r}')
        result[(directory / entry["file"]).resolve()] = {k: entry[k] for k in _FIELDS if entry.get(k)}
    return result
