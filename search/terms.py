"""Lexical analysis shared by the index, the query parser and highlighting.

Text becomes a stream of index tokens: syllables in lower case (a regular expression, not a word
segmenter: BM25 over syllables and adjacent syllable pairs is what the lexical index scores), with
document numbers, dates, decimals, percentages and ratios kept whole ("280/qđ-ubnd" ->
"280_qđ_ubnd", "89,58%" -> "89_58pct") so that a space-separated stream keeps them as one token.
Every token also exists diacritic-folded, for queries typed without marks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from vntext.normalize import fold_diacritics, normalize_text
from vntext.segmentation import PROTECTED_SPAN

_TOKEN = re.compile(rf"{PROTECTED_SPAN.pattern}|[^\W_]+", re.UNICODE)
_NON_ALNUM = re.compile(r"[^\w]+|_+")
# Function syllables that carry no topic; dropped from queries and highlights (BM25 would barely count them).
STOPWORDS = frozenset(
    "của và là các có được trong cho với về đã những này một theo tại để từ đến khi như thì mà "
    "nào gì mấy bao nhiêu ra sao không hay hoặc do bị vì nên cũng đó đây ở trên dưới sau trước "
    "the of and in to is what which how".split()
)


@dataclass(frozen=True)
class Token:
    """A token of a text: its span and index form."""

    start: int
    end: int
    form: str

    @property
    def folded(self) -> str:
        return fold_diacritics(self.form)


@lru_cache(maxsize=200_000)
def index_form(raw: str) -> str:
    """The token as stored in the index: lower case, "%" -> "pct", other punctuation -> "_".

    >>> index_form("280/QĐ-UBND"), index_form("89,58%"), index_form("Hà")
    ('280_qđ_ubnd', '89_58pct', 'hà')
    """
    lowered = raw.lower().replace("%", "pct")
    return _NON_ALNUM.sub("_", lowered).strip("_")


def tokens(text: str) -> Iterator[Token]:
    """Index tokens of `text` with their character spans."""
    for match in _TOKEN.finditer(text):
        form = index_form(match.group(0))
        if form:
            yield Token(match.start(), match.end(), form)


def index_fields(text: str) -> tuple[str, str]:
    """(exact, folded) token streams of a passage, as stored in the lexical index's table."""
    forms = [t.form for t in tokens(text)]
    exact = " ".join(forms)
    return exact, fold_diacritics(exact)


@dataclass
class QueryTerms:
    """What a query asks for lexically: single tokens, exact and folded, and adjacent folded pairs."""

    exact: set[str] = field(default_factory=set)
    folded: set[str] = field(default_factory=set)
    phrases: set[tuple[str, ...]] = field(default_factory=set)  # adjacent folded token pairs


def query_terms(query: str, *, expansions: Sequence[str] = ()) -> QueryTerms:
    """Terms of a query and of its expansions (abbreviations), without stopwords.

    Adjacent all-capital Latin words are also joined ("PAR INDEX" -> "parindex"), because the
    same index name is written both ways in documents.
    """
    terms = QueryTerms()
    for text in [normalize_text(query), *expansions]:
        words = list(tokens(text))
        content = [t for t in words if t.form not in STOPWORDS]
        terms.exact.update(t.form for t in content)
        terms.folded.update(t.folded for t in content)
        if len(content) > 1:
            terms.phrases.update(_adjacent_pairs(words))
        joined = set(_joined_capitals(text, words))
        terms.folded.update(joined)
        terms.exact.update(joined)
    return terms


def _adjacent_pairs(words: list[Token]) -> Iterator[tuple[str, ...]]:
    for first, second in zip(words, words[1:], strict=False):
        if first.form not in STOPWORDS and second.form not in STOPWORDS:
            yield (first.folded, second.folded)


def _joined_capitals(text: str, words: list[Token]) -> Iterator[str]:
    for first, second in zip(words, words[1:], strict=False):
        a, b = text[first.start : first.end], text[second.start : second.end]
        if a.isupper() and b.isupper() and a.isascii() and b.isascii() and text[first.end : second.start] == " ":
            yield (a + b).lower()


def highlight_spans(text: str, terms: QueryTerms) -> list[tuple[int, int]]:
    """Character spans of `text` whose tokens match the query, merged when adjacent.

    A term typed with its marks matches only that spelling ("số" marks "số", not "so với"); a term
    typed without marks ("so") matches every accented form.

    >>> highlight_spans("số liệu so với", query_terms("số"))
    [(0, 2)]
    >>> highlight_spans("số liệu so với", query_terms("so"))
    [(0, 2), (8, 10)]
    """
    where = token_positions(text)
    return joined_spans(text, where, matched_tokens(where, terms))


def matched_tokens(where: TokenPositions, terms: QueryTerms) -> set[int]:
    """Indexes of the tokens a query's terms match (a term typed without marks matches every accented form)."""
    hits: set[int] = set()
    for term in terms.exact:
        hits.update(where.exact.get(term, ()))
        if _folded_form(term) == term:  # typed without marks: every accented spelling matches
            hits.update(where.folded.get(term, ()))
    return hits


def joined_spans(text: str, where: TokenPositions, tokens: Iterable[int]) -> list[tuple[int, int]]:
    """Character spans of these tokens, in order, neighbours with only spaces between them joined."""
    spans: list[list[int]] = []
    for i in sorted(tokens):
        start, end = where.starts[i], where.ends[i]
        if spans and text[spans[-1][1] : start].strip() == "":
            spans[-1][1] = end
        else:
            spans.append([start, end])
    return [(s, e) for s, e in spans]


@dataclass(frozen=True)
class TokenPositions:
    """Token spans of one text and, per index form (exact and folded), the tokens that have it."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]
    exact: dict[str, tuple[int, ...]]
    folded: dict[str, tuple[int, ...]]


@lru_cache(maxsize=2048)
def token_positions(text: str) -> TokenPositions:
    """Tokenize a passage once for all the queries that highlight it (the offsets a search engine
    would store with its index for highlighting; kept here for the passages searched most recently,
    ~15 KB each). Highlighting is then a dictionary lookup per query term."""
    matches = list(_TOKEN.finditer(text))
    forms = list(map(index_form, map(re.Match.group, matches)))
    return TokenPositions(
        tuple(map(re.Match.start, matches)),
        tuple(map(re.Match.end, matches)),
        _positions(forms),
        _positions(list(map(_folded_form, forms))),
    )


def _positions(forms: list[str]) -> dict[str, tuple[int, ...]]:
    where: dict[str, list[int]] = {}
    for i, form in enumerate(forms):
        if form:
            where.setdefault(form, []).append(i)
    return {form: tuple(indexes) for form, indexes in where.items()}


@lru_cache(maxsize=200_000)
def _folded_form(form: str) -> str:
    return fold_diacritics(form)
