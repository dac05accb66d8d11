"""What the UI shows about every stored document in lists: type, issuer, year, date, validity and
its entity page — from the graph when it knows the document, else from the store. Built once per
published graph (one query, graph.catalog) and kept until a newer graph is published."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from graph.catalog import CatalogEntry, closest_numbers, document_catalog, validity
from ingest.document import Document
from search.service import ARTICLE_TYPE, document_facets
from vntext.normalize import fold_diacritics

_LOCK = threading.Lock()


@dataclass(frozen=True)
class DocumentCard:
    """A document as a search result, a list row or a facet sees it."""

    label: str
    type: str
    issuer: str | None
    year: int | None
    date: str | None
    number: str | None
    path: str | None  # its entity page, when the graph knows it
    status: str | None = None  # validity, when known

    def facet(self, key: str) -> Any:
        return getattr(self, key)


@dataclass
class Catalog:
    entries: list[CatalogEntry]
    page_path: Any
    graph: Any = None  # for validity, judged once per document and day
    by_source: dict[str, CatalogEntry] = field(init=False)
    by_number: dict[str, CatalogEntry] = field(init=False)
    _validity: dict[tuple[str, str], str | None] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.by_source = {e.source_id: e for e in self.entries if e.source_id}
        self.by_number = {}
        for entry in self.entries:
            if entry.number:
                self.by_number.setdefault(number_key(entry.number), entry)

    def entry_of(self, document: Document) -> CatalogEntry | None:
        """The graph's node for a stored document: the one its source names as primary topic, else
        the one with the number its header states."""
        entry = self.by_source.get(document.id)
        if entry is None and document.number:
            entry = self.by_number.get(number_key(document.number))
        return entry

    def stored_text(self, uri: str, documents: dict[str, Document]) -> str | None:
        """The id of the stored document holding the text of the document node `uri`, if any."""
        for document_id, entry in self.by_source.items():
            if entry.uri == uri and document_id in documents:
                return document_id
        number = next((e.number for e in self.entries if e.uri == uri), None)
        if number:
            key = number_key(number)
            return next((d.id for d in documents.values() if d.number and number_key(d.number) == key), None)
        return None

    def card(self, document: Document) -> DocumentCard:
        """The card of a stored document: its own graph node's facts first, the store's metadata else."""
        entry = self.entry_of(document)
        facets = document_facets(document)
        if entry is None:
            kind = facets["type"] or (ARTICLE_TYPE if document.kind == "article" else "Văn bản")
            return DocumentCard(document.title, kind, None, facets["year"], document.date, document.number, None)
        date = entry.date or document.date
        year = int(date[:4]) if date else (entry.year or facets["year"])
        return DocumentCard(
            label=entry.label,
            type=entry.type_label or facets["type"] or "Văn bản",
            issuer=entry.issuer_label,
            year=year,
            date=date,
            number=entry.number or document.number,
            path=self.page_path(entry.uri),
            status=self.status_label(entry.uri),
        )

    def status_label(self, uri: str) -> str | None:
        """ "Còn hiệu lực", "Hết hiệu lực toàn bộ" … today; None when the graph cannot judge it."""
        if self.graph is None:
            return None
        key = (uri, dt.date.today().isoformat())
        if key not in self._validity:
            judged = validity(self.graph, uri)
            self._validity[key] = judged["label"] if judged.get("code") != "unknown" else None
        return self._validity[key]

    def closest(self, text: str, limit: int = 5) -> list[dict[str, Any]]:
        """The known documents nearest to a typed number, as {label, number, path}."""
        return [
            {"label": e.label, "number": e.number, "path": self.page_path(e.uri)}
            for e in closest_numbers(self.entries, text, limit=limit)
        ]


def number_key(number: str) -> str:
    """One form for every spelling of a number ("280/QĐ-UBND", "280/QD-UBND").

    >>> number_key("280/QĐ-UBND") == number_key(" 280/qd-ubnd")
    True
    """
    return fold_diacritics("".join(number.split())).upper()


def catalog(svc) -> Catalog:
    """The catalog of the graph the services read now (rebuilt when a newer graph is published)."""
    graph = svc.graph
    cached = current_app.extensions.get("reform_catalog")
    if cached is not None and cached[0] is graph:
        return cached[1]
    with _LOCK:
        cached = current_app.extensions.get("reform_catalog")
        if cached is None or cached[0] is not graph:
            cached = (graph, Catalog(document_catalog(graph), graph.minter.page_path, graph))
            current_app.extensions["reform_catalog"] = cached
        return cached[1]
