"""SPARQL query text, read as the grammar's tokens without parsing it: what is checked before a query
runs (graph.sparql), and the column order of `SELECT *` (shared by the web endpoint and `reform sparql`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_IRI_PATTERN = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_IRI = re.compile(_IRI_PATTERN)
# Long strings first, then short ones, IRIs and comments: the leftmost match wins at each position.
_LEXEME = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|' + _IRI_PATTERN + r"|#[^\n]*"
)
_SELECT_ALL = re.compile(r"\bSELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?\*", re.IGNORECASE)
_VARIABLE = re.compile(r"[?$]([^\W]\w*)")


def strip_strings_and_comments(query: str) -> str:
    """The query with codepoint escapes decoded (the SPARQL grammar applies them before parsing, so
    `\\u0053ERVICE` is SERVICE), string literals blanked and comments removed; IRIs are kept whole.

    One pass over the text, so that whichever comes first wins: a `#` inside `<http://…#type>` is
    part of the IRI, not a comment that would hide the rest of the line, and a quote inside a
    comment opens no string.

    >>> strip_strings_and_comments('?s a <http://x#y> . SERVICE <http://e/> {} # "SERVICE"')
    '?s a <http://x#y> . SERVICE <http://e/> {} '
    >>> strip_strings_and_comments('FILTER(?v = "a # b") # x')
    'FILTER(?v = "") '
    """
    decoded = _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)
    return _LEXEME.sub(_blank, decoded)


def without_iris(text: str) -> str:
    """Stripped text with every IRI replaced by `<>`, so that keywords are looked for in code only.

    >>> without_iris('SELECT * WHERE { ?s a <http://x/SERVICE> }')
    'SELECT * WHERE { ?s a <> }'
    """
    return _IRI.sub("<>", text)


def _blank(match: re.Match) -> str:
    lexeme = match.group(0)
    if lexeme.startswith("#"):
        return ""
    if lexeme.startswith("<"):
        return lexeme
    return '""'


def in_query_order(variables: list[str], query: str) -> list[str]:
    """`SELECT *` columns in the order the query first names them (?s ?p ?o, not Oxigraph's
    alphabetical o, p, s); an explicit projection keeps its own order.

    >>> in_query_order(["o", "p", "s"], "SELECT * WHERE { ?s ?p ?o }")
    ['s', 'p', 'o']
    >>> in_query_order(["b", "a"], "SELECT ?b ?a WHERE { ?a ?p ?b }")
    ['b', 'a']
    """
    stripped = strip_strings_and_comments(query)
    if not _SELECT_ALL.search(stripped):
        return variables
    first_seen: dict[str, int] = {}
    for name in _VARIABLE.findall(stripped):
        first_seen.setdefault(name, len(first_seen))
    return sorted(variables, key=lambda v: first_seen.get(v, len(first_seen)))


# The grammar's terminals that matter for the checks, longest first at each position. Codepoint
# escapes are decoded before (the grammar applies them before tokenizing).
_TOKEN = re.compile(
    r"""(?P<space>\s+)|(?P<comment>\#[^\n]*)"""
    r"""|(?P<string>\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')"""
    r"|(?P<iri>" + _IRI_PATTERN + r")"
    r"|(?P<var>[?$][^\W][\w\u00B7\u0300-\u036F\u203F-\u2040]*)"
    r"|(?P<pname>(?:[^\W\d_][\w.\-\u00B7]*)?:(?:[\w:%\-\u00B7]|\.(?=[\w:%\-]))*)"
    r"|(?P<name>[^\W\d][\w]*)"
    r"|(?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)"
    r"|(?P<number>\d[\d.eE+\-]*)"
    r"|(?P<other>.)",
    re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """One terminal of the query: its kind (iri, pname, var, string, name, langtag, number, other) and text."""

    kind: str
    text: str


def tokens(query: str) -> Iterator[Token]:
    """The query's tokens, comments and whitespace left out; keywords are `name` tokens.

    >>> [(t.kind, t.text) for t in tokens('SELECT * FROM e:g WHERE{?s a <http://x#y>}.SERVICE')]  # doctest: +NORMALIZE_WHITESPACE
    [('name', 'SELECT'), ('other', '*'), ('name', 'FROM'), ('pname', 'e:g'), ('name', 'WHERE'), ('other', '{'),
     ('var', '?s'), ('name', 'a'), ('iri', '<http://x#y>'), ('other', '}'), ('other', '.'), ('name', 'SERVICE')]
    """
    decoded = _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)
    for match in _TOKEN.finditer(decoded):
        kind = match.lastgroup or "other"
        if kind not in ("space", "comment"):
            yield Token(kind, match.group(0))


def nesting_depth(query: str) -> int:
    """How deeply groups, brackets and parentheses nest (an engine recursing on each level can be
    made to overflow its stack by a few kilobytes of braces).

    >>> nesting_depth("SELECT * WHERE { { ?s ?p ?o FILTER(?o > 1) } }"), nesting_depth("ASK {}")
    (3, 1)
    """
    depth = deepest = 0
    for token in tokens(query):
        if token.text in "{([" and token.kind == "other":
            depth += 1
            deepest = max(deepest, depth)
        elif token.text in "})]" and token.kind == "other":
            depth -= 1
    return deepest
