"""OCR results kept in the data directory, by file hash and OCR settings: a page is never OCRed twice.

Not derived from the store, so `reform reindex`, a new INGEST_VERSION or a changed chunker reuse it;
a new tesseract version or OCR recipe (ingest.ocr.SETTINGS_VERSION) is a different key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from core.files import write_atomically
from ingest.ocr import OcrPage


class OcrCache:
    """`load(file hash)` and `save(file hash, pages)` of OcrPage results under `directory`."""

    def __init__(self, directory: Path, settings_key: str) -> None:
        self.directory, self.settings_key = Path(directory), settings_key

    def _path(self, digest: str) -> Path:
        name = hashlib.sha256(f"{digest}|{self.settings_key}".encode()).hexdigest()
        return self.directory / name[:2] / f"{name}.json"

    def load(self, digest: str) -> dict[int, OcrPage]:
        """The pages OCRed before for this file content (empty when none, or the entry is damaged)."""
        try:
            entry = json.loads(self._path(digest).read_text(encoding="utf-8"))
            if entry.get("file_hash") != digest or entry.get("settings") != self.settings_key:
                return {}
            return {int(p["page"]): OcrPage.from_json(p) for p in entry["pages"]}
        except (OSError, ValueError, KeyError, TypeError):
            return {}

    def save(self, digest: str, pages: Mapping[int, OcrPage]) -> None:
        """Add `pages` to the file's entry (written atomically: a crash leaves the old entry or the new)."""
        merged = {**self.load(digest), **pages}
        entry = {
            "file_hash": digest,
            "settings": self.settings_key,
            "pages": [merged[n].as_json() for n in sorted(merged)],
        }
        payload = json.dumps(entry, ensure_ascii=False)

        def write(tmp: str) -> None:
            Path(tmp).write_text(payload, encoding="utf-8")

        write_atomically(self._path(digest), write)
