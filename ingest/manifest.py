"""Corpus manifests: a `manifest.json` beside the documents supplies metadata the text does not state.

Format: {"documents": [{"file": "000_x.txt", "title": "…", "source": "…", "date": "YYYY-MM-DD",
"topic": "…", "author": "…"}]}. Entries win over what ingest finds in the text, so curators can
correct titles. A manifest is checked against that shape before anything of it is used: a value of
the wrong kind (a list where a title goes, "not-a-date" as a date, 31/02) is reported with the key
that holds it and left out, and the documents are ingested with the rest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vntext.dates import iso_date

MANIFEST_NAME = "manifest.json"
MAX_MANIFEST_BYTES = 10 * 1024 * 1024
MAX_TEXT = 2_000
_TEXT_FIELDS = ("title", "source", "topic", "author")
KNOWN_KEYS = ("file", "date", *_TEXT_FIELDS)


@dataclass
class Manifest:
    """The usable entries of one manifest (by resolved file path) and what was wrong with the rest."""

    path: Path
    entries: dict[Path, dict[str, str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def load_manifest(directory: Path) -> Manifest:
    """`directory/manifest.json`, checked; an absent manifest is empty, an unreadable one is one problem."""
    path = directory / MANIFEST_NAME
    manifest = Manifest(path)
    try:
        present = path.is_file()
    except OSError:  # a folder we may list but not enter, a path past PATH_MAX: its files fail with the reason
        present = False
    if not present:
        return manifest
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            manifest.problems.append(f"manifest is over {MAX_MANIFEST_BYTES // 1024 // 1024} MB")
            return manifest
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError, RecursionError) as exc:  # ValueError: bad UTF-8, bad JSON, a 5,000-digit number
        manifest.problems.append(f'not a valid manifest ({type(exc).__name__}: {exc}); expected {{"documents": [{{"file": …}}]}}')
        return manifest
    documents = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(documents, list):
        manifest.problems.append('expected {"documents": [ … ]} at the top level')
        return manifest
    for position, entry in enumerate(documents):
        checked = _entry(entry, f"documents[{position}]", manifest.problems)
        if checked is not None:
            file_name, values = checked
            try:
                manifest.entries[(directory / file_name).resolve()] = values
            except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop
                manifest.problems.append(f"documents[{position}] ({file_name}): cannot be resolved ({exc})")
    return manifest


def _entry(entry: Any, where: str, problems: list[str]) -> tuple[str, dict[str, str]] | None:
    """(file name, valid values) of one entry; what is wrong goes to `problems`, naming the key."""
    if not isinstance(entry, dict):
        problems.append(f'{where}: expected an object with a "file" key, got {type(entry).__name__}')
        return None
    file_name = entry.get("file")
    if not isinstance(file_name, str) or not file_name.strip():
        problems.append(f'{where}: "file" must be the name of a file in this folder')
        return None
    where = f"{where} ({file_name})"
    values: dict[str, str] = {}
    for key, value in entry.items():
        if key == "file":
            continue
        if key not in KNOWN_KEYS:
            problems.append(f'{where}: unknown key "{key}" (known: {", ".join(KNOWN_KEYS)})')
        elif key == "date":
            date = iso_date(value) if isinstance(value, str) else None
            if date is None:
                problems.append(f"{where}: date {_shown(value)} is not a date written YYYY-MM-DD")
            else:
                values["date"] = date
        elif not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: {key} must be a non-empty text, got {_shown(value)}")
        elif len(value) > MAX_TEXT:
            problems.append(f"{where}: {key} is longer than {MAX_TEXT} characters")
        else:
            values[key] = " ".join(value.split())
    return file_name, values


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"
