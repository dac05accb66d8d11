"""Search results as the UI shows them: grouped by document (best passage first, the others folded
under "thêm N đoạn"), filtered and counted by facets built from the documents' cards."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from search.service import SearchResult
from web.catalog import DocumentCard
from web.highlighting import marked_pieces

FACETS = (("type", "Loại văn bản"), ("issuer", "Cơ quan ban hành"), ("year", "Năm"), ("status", "Tình trạng hiệu lực"))
SNIPPET_CHARS = 260
MORE_SHOWN = 5  # other passages listed under a result; the rest are one click away in the document
Pieces = list[tuple[str, bool]]


@dataclass
class ResultGroup:
    """One document of the results: its card, its best passage and the other passages that matched."""

    card: DocumentCard
    results: list[SearchResult]
    pieces: list[Pieces] = field(default_factory=list)  # the best passage whole, the others as snippets

    @property
    def best(self) -> SearchResult:
        return self.results[0]

    @property
    def shown(self) -> list[SearchResult]:
        """The passages the page lists: the best one and up to MORE_SHOWN others."""
        return self.results[: 1 + MORE_SHOWN]

    @property
    def more(self) -> list[tuple[SearchResult, Pieces]]:
        return list(zip(self.results[1:], self.pieces[1:], strict=False))

    @property
    def unlisted(self) -> int:
        return max(0, len(self.results) - 1 - MORE_SHOWN)


def group_by_document(results: list[SearchResult], card_of: Callable[[Any], DocumentCard]) -> list[ResultGroup]:
    """Results grouped by document, groups in the order of their best passage."""
    groups: dict[str, ResultGroup] = {}
    for result in results:
        group = groups.get(result.document.id)
        if group is None:
            groups[result.document.id] = ResultGroup(card_of(result.document), [result])
        else:
            group.results.append(result)
    return list(groups.values())


def selected_filters(args) -> dict[str, str]:
    """The facet values chosen in the query string (only known facets, non-empty)."""
    return {key: args[key] for key, _ in FACETS if args.get(key)}


def apply_filters(groups: list[ResultGroup], selected: dict[str, str]) -> list[ResultGroup]:
    return [g for g in groups if all(str(g.card.facet(key)) == value for key, value in selected.items())]


def facet_counts(groups: list[ResultGroup], selected: dict[str, str]) -> list[dict[str, Any]]:
    """Each facet with its values and how many documents have each, counted under the other facets'
    filters (so choosing a type still shows the other types to switch to). Facets with no value are left out."""
    facets = []
    for key, title in FACETS:
        others = {k: v for k, v in selected.items() if k != key}
        counts = Counter(g.card.facet(key) for g in apply_filters(groups, others) if g.card.facet(key) not in (None, ""))
        if not counts:
            continue
        order = sorted(counts.items(), key=lambda kv: (-kv[0], 0) if key == "year" else (-kv[1], str(kv[0])))
        values = [{"value": str(v), "count": n, "selected": selected.get(key) == str(v)} for v, n in order]
        facets.append({"key": key, "title": title, "values": values})
    return facets


def snippet(text: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS) -> tuple[int, int]:
    """(start, end) of an excerpt of about `width` characters around the first marked span, cut at spaces.

    >>> text = "một hai ba " * 40 + "PAR INDEX" + " bốn năm" * 40
    >>> start, end = snippet(text, [(440, 449)], width=60)
    >>> text[start:end]
    'hai ba một hai ba PAR INDEX bốn năm bốn năm bốn năm bốn'
    """
    if len(text) <= width:
        return 0, len(text)
    center = spans[0][0] if spans else 0
    start = max(0, min(center - width // 3, len(text) - width))
    end = min(len(text), start + width)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < center else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return start, end


def pieces(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> Pieces:
    """text[start:end] cut into (piece, marked), with "…" where the excerpt cuts the text."""
    end = len(text) if end is None else end
    before: Pieces = [("…", False)] if start > 0 else []
    after: Pieces = [("…", False)] if end < len(text) else []
    return before + marked_pieces(text, spans, start, end) + after
