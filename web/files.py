"""The original file of a document: `/documents/<id>/file`, as it was ingested.

The path comes from the document store (ingest records where each file was), never from the
request: the id is looked up, and the file is served only while its content is still the one that
was indexed (same SHA-256). PDFs and pictures open in the browser (`#page=N` opens a PDF at a
page); every other format is a download, so an ingested HTML page never runs in this origin.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Blueprint, current_app, send_file

from core.errors import NotFoundError
from core.files import filesystem_path
from web.services import services

files = Blueprint("files", __name__)

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".markdown": "text/markdown; charset=utf-8",
    ".html": "text/html",
    ".htm": "text/html",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".rtf": "application/rtf",
}
INLINE = frozenset((".pdf", ".png", ".jpg", ".jpeg"))  # shown by the browser itself, no script of ours or theirs
# The browser's PDF viewer is a plugin document: it needs object-src; nothing else is allowed.
FILE_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; object-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
)
_HASH_MEMO = "reform_file_hashes"


@files.get("/documents/<document_id>/file")
def original_file(document_id: str):
    document = services().store.get_document(document_id, with_passages=False)
    path = filesystem_path(document.path)
    if not path.is_file() or _sha256(path) != document.file_hash:
        raise NotFoundError(
            f"the original file of {document_id} has moved or changed since it was ingested: run 'reform ingest' on its folder"
        )
    suffix = path.suffix.lower()
    response = send_file(
        path,
        mimetype=CONTENT_TYPES.get(suffix, "application/octet-stream"),
        as_attachment=suffix not in INLINE,
        download_name=path.name,
        conditional=True,  # Range requests: PDF viewers fetch large files in pieces
        max_age=0,
    )
    response.headers["Content-Security-Policy"] = FILE_CONTENT_SECURITY_POLICY
    return response


def _sha256(path: Path) -> str:
    """The file's SHA-256, remembered per (path, size, modification time): viewers ask many ranges."""
    stat = path.stat()
    memo: dict[tuple[str, int, int], str] = current_app.extensions.setdefault(_HASH_MEMO, {})
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in memo:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        if len(memo) > 1024:
            memo.clear()
        memo[key] = digest.hexdigest()
    return memo[key]
