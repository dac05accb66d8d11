"""What a query points at: document numbers ("280/QĐ-UBND") and articles ("khoản 2 Điều 5 …")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.document import Document, Passage
from vntext.normalize import fold_diacritics
from vntext.numbers import find_document_numbers, parse_document_number

_ARTICLE = re.compile(r"(?:khoan\s+(?P<clause>\d+)\s*,?\s*)?dieu\s+(?P<article>\d+[a-z]?)\b(?P<rest>.*)", re.IGNORECASE)
_FILLER = {"cua", "so", "theo", "tai", "trong", "ve", "quy", "dinh"}


@dataclass(frozen=True)
class ArticleReference:
    article: str
    clause: int | None
    document_hint: str


def number_keys(query: str) -> set[str]:
    """Keys of the document numbers written in a query (any spelling variant)."""
    return {number.key for _, _, number in find_document_numbers(query)}


def article_reference(query: str) -> ArticleReference | None:
    """ "khoản 2 Điều 5 Quyết định 280/QĐ-UBND" -> article "5", clause 2, hint "Quyết định 280/QĐ-UBND"."""
    match = _ARTICLE.search(fold_diacritics(query))
    if not match:
        return None
    start = match.start("rest")
    clause = int(match.group("clause")) if match.group("clause") else None
    return ArticleReference(match.group("article"), clause, query[start:].strip(" ,.?"))


def resolve_documents(hint: str, documents: list[Document]) -> list[Document]:
    """Documents a hint names: by their own number, else by most of the hint's words in the title."""
    numbers = number_keys(hint)
    if numbers:
        return [d for d in documents if d.number and (parsed := parse_document_number(d.number)) and parsed.key in numbers]
    words = [w for w in fold_diacritics(hint).split() if w not in _FILLER]
    if not words:
        return []
    scored = []
    for document in documents:
        title = set(fold_diacritics(document.title).split())
        overlap = sum(1 for w in words if w in title) / len(words)
        if overlap >= 0.6:
            scored.append((overlap, document))
    best = max((s for s, _ in scored), default=0)
    return [d for s, d in scored if s == best]


def passage_matches_article(passage: Passage, reference: ArticleReference) -> bool:
    """The passage lies in the article (and in the clause, when one is named)."""
    if f"Điều {reference.article}" not in passage.path:
        return False
    if reference.clause is None:
        return True
    last = passage.path[-1]
    if not last.startswith("khoản "):
        return True  # the whole article is one passage
    bounds = [int(n) for n in re.findall(r"\d+", last)]
    return min(bounds) <= reference.clause <= max(bounds)
