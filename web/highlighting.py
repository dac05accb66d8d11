"""Which words of a passage the UI marks for a query: phrases and words that carry meaning.

Vietnamese words are mostly two or more syllables, and the index matches syllable by syllable, so
marking every matching syllable marks noise: "số", "chính", "thứ" all over a page, "thông" inside
"Thông tư" for a query about "thông tin". A matching syllable is marked when it is part of a run of
query syllables in the query's order ("thông tin", "Hà Nội", "cải cách hành chính"), when it is a
number, a date, a document number or an acronym (280/QĐ-UBND, 2022, PAR, SIPAS), when it is rare
in the library, or when the query is a single word.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from search.terms import QueryTerms, joined_spans, matched_tokens, query_terms, token_positions

RARE_SHARE = 0.02  # a syllable found in fewer than 2% of the passages carries meaning on its own


def meaningful_spans(
    text: str, query: str, *, expansions: Sequence[str] = (), is_rare: Callable[[str], bool] | None = None
) -> list[tuple[int, int]]:
    """[start, end) spans of `text` to mark for `query`, adjacent marked words merged.

    >>> text = "Thông tư về hệ thống thông tin của Hà Nội"
    >>> [text[s:e] for s, e in meaningful_spans(text, "thông tin Hà Nội")]
    ['thông tin', 'Hà Nội']
    >>> text = "Chỉ số PAR INDEX năm 2022 đạt 89,58%, xếp thứ 3/63; số liệu chính thức"
    >>> [text[s:e] for s, e in meaningful_spans(text, "Chỉ số PAR INDEX 2022 xếp thứ mấy")]
    ['Chỉ số PAR INDEX', '2022', 'xếp thứ']
    >>> text = "Năm 2023, số lượng giảm"
    >>> [text[s:e] for s, e in meaningful_spans(text, "số")]
    ['số']
    """
    return spans_for_terms(text, query_terms(query, expansions=list(expansions)), is_rare=is_rare)


def spans_for_terms(text: str, terms: QueryTerms, *, is_rare: Callable[[str], bool] | None = None) -> list[tuple[int, int]]:
    """meaningful_spans for query terms already computed (one query, many passages)."""
    where = token_positions(text)
    folded = _folded_by_index(where.folded, len(where.starts))
    matched = matched_tokens(where, terms)
    single_word = len(terms.folded) <= 1
    keep = [
        i
        for i in sorted(matched)
        if single_word
        or _in_phrase(i, matched, folded, terms.phrases)
        or _strong(text[where.starts[i] : where.ends[i]])
        or (is_rare is not None and is_rare(folded[i]))
    ]
    return joined_spans(text, where, keep)


def _folded_by_index(folded: dict[str, tuple[int, ...]], count: int) -> list[str]:
    forms = [""] * count
    for form, indexes in folded.items():
        for i in indexes:
            forms[i] = form
    return forms


def _in_phrase(i: int, matched: set[int], folded: list[str], phrases: set[tuple[str, ...]]) -> bool:
    before = i - 1 in matched and (folded[i - 1], folded[i]) in phrases
    after = i + 1 in matched and (folded[i], folded[i + 1]) in phrases
    return before or after


def _strong(word: str) -> bool:
    """A number, date or document number, or an acronym written in capitals (UBND, PAR, SIPAS).

    >>> _strong("2022"), _strong("280/QĐ-UBND"), _strong("PAR"), _strong("Nội"), _strong("số")
    (True, True, True, False, False)
    """
    return any(c.isdigit() for c in word) or (len(word) >= 2 and word.isupper())


def marked_pieces(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> list[tuple[str, bool]]:
    """text[start:end] cut into (piece, marked) by the spans that fall in it, for templates to
    escape piece by piece (marks are never built as HTML strings).

    >>> marked_pieces("Chỉ số SIPAS đạt", [(7, 12)])
    [('Chỉ số ', False), ('SIPAS', True), (' đạt', False)]
    """
    end = len(text) if end is None else end
    out, cursor = [], start
    for s, e in spans:
        s, e = max(s, start), min(e, end)
        if s >= e:
            continue
        if s > cursor:
            out.append((text[cursor:s], False))
        out.append((text[s:e], True))
        cursor = e
    if cursor < end:
        out.append((text[cursor:end], False))
    return out
