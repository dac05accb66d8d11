"""Answering SPARQL from a read-only Oxigraph store, and what is checked before a query may run.

Shared by the endpoint's worker processes (web.sparql_runner) and `reform sparql`, so both refuse
the same queries and serialize results the same way. The checks read the query as the grammar's
tokens (graph.query_text): updates, SERVICE (Oxigraph would fetch it over HTTP) and datasets outside
the store are refused whatever the spelling (prefixed names, codepoint escapes, no space, any token
before the keyword), and a query nesting deeper than any real one is refused before the engine
recurses into it. FROM / FROM NAMED of the store's own graphs restrict the dataset as the standard
says; without them the default graph is the union of all documents' graphs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import pyoxigraph

from core.errors import QueryError
from graph.query_text import in_query_order, nesting_depth, tokens
from graph.uris import PREFIXES

RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {"turtle": "text/turtle", "ntriples": "application/n-triples", "jsonld": "application/ld+json"}
MAX_DEPTH = 64  # the deepest of the example queries nests 4; 3,000 braces crashed the engine's parser
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})


class QueryRefused(QueryError):
    """The query asks for something the read-only store never does (update, SERVICE, a dataset elsewhere)."""

    def __init__(self, message: str, *, status: int = 403) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class CheckedQuery:
    """A query allowed to run, with the graphs its FROM / FROM NAMED clauses name (empty: the union)."""

    text: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    @property
    def names_a_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


@dataclass(frozen=True)
class Answer:
    """A serialized result: body, media type, whether it was cut at the row limit, and rows."""

    body: bytes
    content_type: str
    truncated: bool
    rows: int
    variables: list[str] = field(default_factory=list)


def check_query(query: str, *, max_chars: int, local_graph_prefix: str) -> CheckedQuery:
    """Refuse updates, federation, datasets outside the store and pathological nesting; else the query's dataset."""
    if len(query) > max_chars:
        raise QueryRefused(f"query is {len(query)} characters; the limit is {max_chars}", status=413)
    if nesting_depth(query) > MAX_DEPTH:
        raise QueryRefused(f"query nests groups more than {MAX_DEPTH} levels deep", status=400)
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    found = list(tokens(query))
    default_graphs: list[str] = []
    named_graphs: list[str] = []
    for position, token in enumerate(found):
        if token.kind != "name":
            continue
        keyword = token.text.upper()
        if keyword in UPDATE_KEYWORDS:
            raise QueryRefused("SPARQL Update is not accepted: this store is read-only")
        if keyword == "SERVICE":
            raise QueryRefused("SERVICE (federated query) is not allowed: queries never leave this server")
        if keyword == "PREFIX" and position + 2 < len(found) and found[position + 1].kind == "pname":
            prefixes[found[position + 1].text[:-1]] = found[position + 2].text[1:-1]
        if keyword == "FROM":
            named = position + 1 < len(found) and found[position + 1].text.upper() == "NAMED"
            target = (
                found[position + 2]
                if named and position + 2 < len(found)
                else found[position + 1]
                if position + 1 < len(found)
                else None
            )
            iri = _iri_of(target, prefixes)
            if iri is None or not iri.startswith(local_graph_prefix):
                shown = target.text if target is not None else "(nothing)"
                raise QueryRefused(f"FROM {shown} is outside this store: only graphs under {local_graph_prefix} can be named")
            (named_graphs if named else default_graphs).append(iri)
    return CheckedQuery(query, tuple(default_graphs), tuple(named_graphs))


def _iri_of(token, prefixes: dict[str, str]) -> str | None:
    if token is None:
        return None
    if token.kind == "iri":
        return token.text[1:-1]
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else None
    return None


def answer(store: pyoxigraph.Store, query: CheckedQuery, result_format: str, graph_format: str, max_rows: int) -> Answer:
    """Run a checked query and serialize its result (SELECT/ASK in `result_format`, graphs in `graph_format`)."""
    try:
        result = store.query(
            query.text,
            # The union of the documents' graphs is the default graph, unless the query names its dataset
            # (Oxigraph ignores FROM when asked for the union: a silent wrong answer).
            use_default_graph_as_union=not query.names_a_dataset,
            prefixes={k: str(v) for k, v in PREFIXES.items()},
        )
    except SyntaxError as exc:
        raise QueryError(f"malformed SPARQL: {exc}") from None
    if isinstance(result, pyoxigraph.QueryBoolean):
        body = (
            json.dumps({"head": {}, "boolean": bool(result)}).encode()
            if result_format == "json"
            else f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><boolean>{str(bool(result)).lower()}</boolean></sparql>'.encode()
        )
        return Answer(body, RESULT_TYPES["json" if result_format == "json" else "xml"], False, 1)
    if isinstance(result, pyoxigraph.QueryTriples):
        triples: list[pyoxigraph.Triple] = []
        for triple in result:
            if len(triples) == max_rows:
                break
            triples.append(triple)
        truncated = next(iter(result), None) is not None
        rdf_format = {
            "turtle": pyoxigraph.RdfFormat.TURTLE,
            "ntriples": pyoxigraph.RdfFormat.N_TRIPLES,
            "jsonld": pyoxigraph.RdfFormat.JSON_LD,
        }[graph_format]
        prefixes = {k: str(v) for k, v in PREFIXES.items()} if graph_format == "turtle" else None
        body = pyoxigraph.serialize(triples, format=rdf_format, prefixes=prefixes) or b""
        return Answer(body, GRAPH_TYPES[graph_format], truncated, len(triples))
    variables = in_query_order([v.value for v in result.variables], query.text)
    rows: list[list] = []
    truncated = False
    for solution in result:
        if len(rows) == max_rows:
            truncated = True
            break
        rows.append([solution[v] for v in variables])
    return Answer(
        _serialize(variables, rows, result_format, truncated=truncated),
        RESULT_TYPES[result_format],
        truncated,
        len(rows),
        variables,
    )


def _serialize(variables: list[str], rows: list[list], result_format: str, *, truncated: bool) -> bytes:
    if result_format == "json":
        bindings = [{v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
        document: dict = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        if truncated:
            document["truncated"] = True  # an extension member; standard clients ignore it
        return json.dumps(document, ensure_ascii=False).encode("utf-8")
    if result_format == "xml":
        head = "".join(f'<variable name="{v}"/>' for v in variables)
        body = "".join(
            "<result>"
            + "".join(
                f'<binding name="{v}">{_xml_term(t)}</binding>' for v, t in zip(variables, row, strict=True) if t is not None
            )
            + "</result>"
            for row in rows
        )
        return f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>{head}</head><results>{body}</results></sparql>'.encode()
    separator = "," if result_format == "csv" else "\t"
    header = separator.join(variables if result_format == "csv" else [f"?{v}" for v in variables])
    lines = [header] + [separator.join(_csv_term(t) if result_format == "csv" else _tsv_term(t) for t in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _json_term(term) -> dict:
    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _xml_term(term) -> str:
    data = _json_term(term)
    if data["type"] == "uri":
        return f"<uri>{escape(data['value'])}</uri>"
    if data["type"] == "bnode":
        return f"<bnode>{escape(data['value'])}</bnode>"
    attributes = (
        f' xml:lang="{data["xml:lang"]}"'
        if "xml:lang" in data
        else (f' datatype="{escape(data["datatype"])}"' if "datatype" in data else "")
    )
    return f"<literal{attributes}>{escape(data['value'])}</literal>"


def _csv_term(term) -> str:
    if term is None:
        return ""
    value = term.value
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n\r') else value


def _tsv_term(term) -> str:
    return "" if term is None else str(term)
