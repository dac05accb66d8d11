"""Static files (web/static) under content-hashed names, gzip-compressed once, cached for a year.

`style.css` is served as `/static/style.3f2a9c1b0d.css`: a new version gets a new name, so browsers
may keep every version forever (`Cache-Control: public, max-age=31536000, immutable`) and never ask
again. The plain name still answers, with a short cache, for anyone holding an old link. Files are
read and compressed when the app starts (a few hundred KB), never looked up by a path taken from the
request: a name not in the table is simply not found.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from flask import Request, Response, abort

YEAR = 365 * 24 * 3600
PLAIN_MAX_AGE = 3600
COMPRESSIBLE = {".css", ".js", ".svg", ".json", ".txt", ".map"}
MIME_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".txt": "text/plain", ".ico": "image/x-icon"}


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    mimetype: str
    etag: str


class StaticAssets:
    """The files of one folder, by hashed and by plain name (relative, with "/" separators)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._assets: dict[str, Asset] = {}
        self._hashed: dict[str, str] = {}  # plain name -> hashed name
        self._max_age: dict[str, int] = {}
        for path in sorted(p for p in self.folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
            name = path.relative_to(self.folder).as_posix()
            body = path.read_bytes()
            digest = hashlib.sha256(body).hexdigest()[:10]
            asset = Asset(body, _gzipped(path.suffix, body), _mimetype(path), f'"{digest}"')
            hashed = hashed_name(name, digest)
            self._assets[name] = self._assets[hashed] = asset
            self._hashed[name] = hashed
            self._max_age[name], self._max_age[hashed] = PLAIN_MAX_AGE, YEAR

    def url(self, name: str) -> str:
        """The URL of a static file under its hashed name ("/static/app.1a2b3c4d5e.js")."""
        return f"/static/{self._hashed[name]}"

    def response(self, name: str, request: Request) -> Response:
        """The file, compressed when the client accepts gzip, with caching headers; 404 when unknown."""
        asset = self._assets.get(name)
        if asset is None:
            abort(404)
        if request.if_none_match.contains(asset.etag.strip('"')):
            response = Response(status=304)
        else:
            use_gzip = asset.gzipped is not None and "gzip" in request.headers.get("Accept-Encoding", "")
            response = Response(asset.gzipped if use_gzip else asset.body, mimetype=asset.mimetype)
            if use_gzip:
                response.headers["Content-Encoding"] = "gzip"
        response.headers["ETag"] = asset.etag
        response.headers["Vary"] = "Accept-Encoding"
        immutable = ", immutable" if self._max_age[name] == YEAR else ""
        response.headers["Cache-Control"] = f"public, max-age={self._max_age[name]}{immutable}"
        return response


def hashed_name(name: str, digest: str) -> str:
    """The name with the digest before its extension.

    >>> hashed_name("vendor/cytoscape-3.34.4.min.js", "0123456789")
    'vendor/cytoscape-3.34.4.min.0123456789.js'
    >>> hashed_name("LICENSE", "0123456789")
    'LICENSE.0123456789'
    """
    folder, _, file = name.rpartition("/")
    stem, dot, extension = file.rpartition(".")
    hashed = f"{stem}.{digest}.{extension}" if dot and stem else f"{file}.{digest}"
    return f"{folder}/{hashed}" if folder else hashed


def _gzipped(suffix: str, body: bytes) -> bytes | None:
    if suffix not in COMPRESSIBLE or len(body) < 512:
        return None
    packed = gzip.compress(body, compresslevel=9, mtime=0)
    return packed if len(packed) < len(body) else None


def _mimetype(path: Path) -> str:
    return MIME_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
