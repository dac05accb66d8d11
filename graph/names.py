"""Finding a document the way staff name it: "Bộ luật Lao động", "Luật Đầu tư công 2024", "nghị định về
đánh giá xếp loại viên chức", and proposing related numbers when a number is not found.

Names are matched on the words of the document's name or trích yếu (diacritics folded), filtered by
type and year when the query states them; a document whose own text is in the store, then the
newest, comes first among equals. The title index is built once per published graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.links import one
from graph.references import CODE_BY_NAME
from graph.store import GraphStore
from vntext.dates import find_dates
from vntext.normalize import fold_diacritics
from vntext.numbers import find_document_numbers, find_number_references

_STOPWORDS = frozenset("ve viec cua so nam ngay tai va cac mot nhung theo doi voi trong".split())
_TYPES = sorted(CODE_BY_NAME, key=len, reverse=True)
_TYPE_IN_QUERY = re.compile(r"(?<![a-z])(" + "|".join(map(re.escape, _TYPES)) + r")(?![a-z])")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
# A number as staff type it: digits, then "/" or "-" and a code with at least one letter ("100/2015/qh13").
_TYPED_NUMBER = re.compile(r"(?<![\w/])\d{1,5}[/-][\w./-]*?[^\W\d_][\w./-]*")


@dataclass(frozen=True)
class Entry:
    """One document of the graph as the name index knows it."""

    uri: str
    type_code: str | None
    words: frozenset[str]
    year: int | None
    date: str | None
    label: str
    has_text: bool
    local_number: str | None = None
    number_key: str | None = None


@dataclass(frozen=True)
class NameQuery:
    type_code: str | None
    year: int | None
    words: frozenset[str]


def parse_name_query(text: str) -> NameQuery:
    """Type, year and content words of a query by name.

    >>> q = parse_name_query("Luật Đầu tư công 2024"); (q.type_code, q.year, sorted(q.words))
    ('LUAT', 2024, ['cong', 'dau', 'tu'])
    >>> parse_name_query("Bộ luật Lao động").type_code
    'BLUAT'
    """
    folded = fold_diacritics(text).lower()
    kind = _TYPE_IN_QUERY.search(folded)
    spans = [(s, e) for s, e, _ in find_document_numbers(text)] + [(d.start, d.end) for d in find_dates(text)]
    bare = "".join(" " if any(s <= i < e for s, e in spans) else c for i, c in enumerate(folded))
    year = _YEAR.search(bare)  # "Luật Đầu tư công 2024"; not the year inside "28/2019/QĐ-UBND" or a date
    rest = folded
    for found in (kind, year):
        if found:
            rest = rest[: found.start()] + " " * (found.end() - found.start()) + rest[found.end() :]
    words = frozenset(w for w in re.findall(r"[a-z0-9]+", rest) if w not in _STOPWORDS)
    return NameQuery(CODE_BY_NAME.get(kind.group(1)) if kind else None, int(year.group(1)) if year else None, words)


def name_index(graph: GraphStore) -> tuple[Entry, ...]:
    """Every document with its name words (cached on the read-only graph: a published snapshot never changes)."""
    cached = graph.cache.get("names")
    if cached is not None:
        return cached  # type: ignore[return-value]
    documents = [str(r[0]) for r in graph.query("SELECT DISTINCT ?doc WHERE { ?doc a eli:LegalResource }")]
    facts = graph.properties(
        documents,
        ("skos:prefLabel", "eli:title", "reform:name", "eli:date_document", "reform:year", "eli:type_document")
        + ("reform:localNumber", "reform:numberKey"),
    )
    with_text = {str(r[0]) for r in graph.query("SELECT DISTINCT ?doc WHERE { ?source foaf:primaryTopic ?doc }")}
    entries = []
    for doc in documents:
        own = facts[doc]
        name = one(own, "reform:name") or one(own, "eli:title") or ""
        kind = one(own, "eli:type_document")
        year = one(own, "reform:year")
        words = frozenset(w for w in re.findall(r"[a-z0-9]+", fold_diacritics(name)) if w not in _STOPWORDS)
        code = kind.rsplit("/", 1)[-1].upper().replace("-", "") if kind else None
        entries.append(
            Entry(
                doc,
                code,
                words,
                int(year) if year else None,
                one(own, "eli:date_document"),
                one(own, "skos:prefLabel") or doc,
                doc in with_text,
                one(own, "reform:localNumber"),
                one(own, "reform:numberKey"),
            )
        )
    index = tuple(entries)
    if graph.read_only:
        graph.cache["names"] = index
    return index


def find_by_name(graph: GraphStore, text: str, *, limit: int = 10, minimum: float = 0.75) -> list[str]:
    """URIs of documents whose name matches the query, best first."""
    query = parse_name_query(text)
    if not query.words:
        return []
    scored = []
    for entry in name_index(graph):
        if query.type_code and entry.type_code != query.type_code:
            continue
        if query.year and entry.year and entry.year != query.year:
            continue
        shared = len(query.words & entry.words)
        if not shared:
            continue
        coverage, precision = shared / len(query.words), shared / len(entry.words)
        if coverage < minimum:
            continue
        score = (
            2 * coverage + precision + (0.3 if entry.has_text else 0) + (0.5 if query.year and entry.year == query.year else 0)
        )
        scored.append((score, entry.date or "", entry.uri))
    scored.sort(reverse=True)
    return [uri for _, _, uri in scored[:limit]]


def rank(graph: GraphStore, uris: list[str]) -> list[str]:
    """Documents one number can mean ("175/NQ-CP" of 2021 and of 2023), best first: the one whose own text is
    in the store, then the newest."""
    if len(uris) < 2:
        return uris
    known = {entry.uri: entry for entry in name_index(graph)}
    return sorted(uris, key=lambda u: (not (known[u].has_text if u in known else False), _newest(known.get(u))))


def _newest(entry: Entry | None) -> str:
    """A sort key that puts later dates first."""
    date = (entry.date or (f"{entry.year}-12-31" if entry.year else "")) if entry else ""
    return "".join(chr(0x10FFFF - ord(c)) for c in date) if date else "\U0010ffff"


def with_numbers_upper(query: str) -> str:
    """The query with its typed numbers in capitals: documents print "100/2015/QH13", staff type
    "100/2015/qh13" (and a name query may carry a number in lower case), which would else be read as
    words, and the "2015" inside it as the law's year.

    >>> with_numbers_upper("luật sửa đổi bộ luật hình sự số 100/2015/qh13 2017")
    'luật sửa đổi bộ luật hình sự số 100/2015/QH13 2017'
    """
    return _TYPED_NUMBER.sub(lambda m: m.group(0).upper(), query)


def looks_like_a_name(text: str) -> bool:
    """A query naming a document rather than giving its number ("Bộ luật Lao động")."""
    return not find_document_numbers(text) and not find_number_references(text) and bool(parse_name_query(text).words)


def related_numbers(graph: GraphStore, text: str, *, limit: int = 5) -> list[str]:
    """Labels of documents a number not found may have meant: the same number of the same type (another
    year or issuer), or one digit off with the same type, issuer and year. Never an unrelated number.
    A name not found gets the documents sharing most of its words."""
    found = find_document_numbers(text)
    loose = find_number_references(text)
    if not found and not loose:
        if not looks_like_a_name(text):
            return []
        query = _YEAR.sub(" ", text)  # another year of the same law is a good guess: "Luật Đầu tư công 2019"
        return _label_of(graph, find_by_name(graph, query, limit=limit, minimum=0.5))
    wanted = typed_number(text)
    scored = []
    for entry in name_index(graph):
        score = relatedness(wanted, entry.local_number, entry.type_code, entry.number_key, entry.year) if wanted else None
        if score is not None:
            scored.append((-score, entry.label))
    return [label for _, label in sorted(scored)[:limit]]


@dataclass(frozen=True)
class TypedNumber:
    """What a typed number says of the document meant (folded codes; "" when not said)."""

    numeral: str  # "280", leading zeros dropped
    type_code: str  # "QD"
    issuer: str  # "UBND"
    year: int | None


def typed_number(text: str) -> TypedNumber | None:
    """The first full number or loose reference ("Nghị quyết số 18") in `text`, or None."""
    found = find_document_numbers(text)
    if found:
        parsed = found[0][2]
        code = fold_diacritics(parsed.type_code or "").upper()
        return TypedNumber(parsed.number.lstrip("0") or "0", code, _issuer_code(parsed.key), parsed.year)
    loose = find_number_references(text)
    if loose:
        return TypedNumber(loose[0].number.lstrip("0") or "0", loose[0].type_code or "", "", loose[0].year)
    return None


def relatedness(
    wanted: TypedNumber, numeral: str | None, type_code: str | None, number_key: str | None, year: int | None
) -> int | None:
    """How likely a known document is the one a typed number meant (higher is likelier), or None when
    it is unrelated. The one rule behind "did you mean" in the CLI, the API and the web page: the
    same numeral of the same type or issuer (another year or issuer: 3–6), or one digit off with the
    same type and issuer, and the same year when the typed number has one (2). Never a document that merely shares a type.

    >>> wanted = typed_number("281/QĐ-UBND")
    >>> relatedness(wanted, "280", "QD", "280/QD-UBND", None), relatedness(wanted, "01", "CTR", "01-CTR/TU", None)
    (2, None)
    """
    if numeral is None:
        return None
    same_type = bool(wanted.type_code) and (type_code or "") == wanted.type_code
    same_issuer = bool(wanted.issuer) and _issuer_code(number_key) == wanted.issuer
    if numeral == wanted.numeral and (same_type or same_issuer):
        return 3 + same_type + same_issuer + (wanted.year is not None and year == wanted.year)
    if same_type and same_issuer and wanted.year in (None, year) and _one_edit(numeral, wanted.numeral):
        return 2
    return None


def _issuer_code(key: str | None) -> str:
    """The issuing body's code of a number key: "280/QD-UBND" -> "UBND", "9/2022/QH15" -> "QH", "15-NQ/TW" -> "TW"."""
    if not key:
        return ""
    return re.sub(r"\d+$", "", key.rsplit("/", 1)[-1].rsplit("-", 1)[-1])


def _one_edit(a: str, b: str) -> bool:
    """Whether two local numbers differ by one digit typed wrong, added or dropped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _label_of(graph: GraphStore, uris: list[str]) -> list[str]:
    labels = {entry.uri: entry.label for entry in name_index(graph)}
    return [labels[uri] for uri in uris if uri in labels]
