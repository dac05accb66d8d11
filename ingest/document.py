"""The data types ingest hands to graph, search, web and CLI: Document and Passage.

Offsets are into `Document.text` (the normalized, boilerplate-free text), so for every passage
`document.text[p.start:p.end] == p.text`; graph provenance and search highlights rely on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DOCUMENT_KINDS = ("article", "formal", "legal")  # legal: has articles (Điều); formal: header, no articles


def passage_id(document_id: str, seq: int) -> str:
    """The id of a document's passage number `seq` (stable across re-ingests of the same text)."""
    return f"{document_id}-p{seq:04d}"


def document_id_of(passage_id: str) -> str:
    """The document a passage id belongs to.

    >>> document_id_of("001_162ac573aecaa869-p0001")
    '001_162ac573aecaa869'
    """
    return passage_id.rsplit("-p", 1)[0]


@dataclass(frozen=True)
class Passage:
    """A retrievable chunk of one document: a contiguous span of its normalized text.

    `heading` is the nearest section heading; `path` is the structural address from the top of
    the document, e.g. ("Chương XII", "Điều 169", "khoản 2") for a law or the heading trail of an
    article. `pages` are the pages of a paged source (PDF, scan) the passage is printed on, e.g.
    (2, 3); empty for sources without pages.
    """

    id: str
    document_id: str
    seq: int
    start: int
    end: int
    text: str
    heading: str | None = None
    path: tuple[str, ...] = ()
    pages: tuple[int, ...] = ()

    @property
    def word_count(self) -> int:
        return len(self.text.split())

    @property
    def path_label(self) -> str:
        """The structural path as one readable string: "Chương XII > Điều 169 > khoản 2"."""
        return " > ".join(self.path)


@dataclass(frozen=True)
class Document:
    """One ingested file: metadata, normalized text and its passages.

    `date` is an ISO 8601 date (YYYY-MM-DD) stated by the document or its manifest, never guessed.
    `number` is the document's own number from a formal header ("Số: 280/QĐ-UBND"), if any.
    """

    id: str
    path: str
    title: str
    text: str
    file_hash: str
    passages: tuple[Passage, ...] = ()
    date: str | None = None
    source: str | None = None
    author: str | None = None
    language: str = "vi"
    kind: str = "article"
    number: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self, *, with_file_path: bool = True) -> dict[str, Any]:
        """The document as JSON (`reform show --json`, `/api/documents/<id>`); the web omits the file path."""
        data = {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "source": self.source,
            "author": self.author,
            "path": self.path,
            "kind": self.kind,
            "number": self.number,
            "language": self.language,
            "metadata": dict(self.metadata),
            "text": self.text,
            "passages": [
                {
                    "id": p.id,
                    "seq": p.seq,
                    "start": p.start,
                    "end": p.end,
                    "heading": p.heading,
                    "path": list(p.path),
                    "pages": list(p.pages),
                    "text": p.text,
                }
                for p in self.passages
            ],
        }
        if not with_file_path:
            del data["path"]
        return data
