"""Property tests (Hypothesis) of the parsers every input passes through: whatever the text, they answer
within their contract and never raise — the text toolkit, dates, document numbers, the SPARQL checks."""

import contextlib
import string
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.query_text import nesting_depth, tokens
from graph.sparql import QueryRefused, check_query
from vntext.dates import find_dates, iso_date, parse_date
from vntext.normalize import fold_diacritics, normalize_text
from vntext.numbers import find_document_numbers, find_number_references, parse_document_number

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐƯƠ"
# Text like documents' and like their damage: Vietnamese letters, decomposed marks, digits, the
# punctuation numbers and dates are written with, and stray control and invisible characters.
document_text = st.text(
    alphabet=st.sampled_from(
        VIETNAMESE + VIETNAMESE.upper() + string.digits + " /-.,:;()\n\t" + "\u0301\u0300\u0309\u0303\u0323\u200b\ufeff\x00"
    ),
    max_size=200,
)
any_text = st.one_of(document_text, st.text(max_size=200))
fast = settings(max_examples=150, deadline=None)


@fast
@given(any_text)
def test_normalization_is_idempotent_nfc_and_folding_keeps_length(text):
    normalized = normalize_text(text)
    assert normalize_text(normalized) == normalized
    assert unicodedata.is_normalized("NFC", normalized)
    assert len(fold_diacritics(normalized)) == len(normalized)
    folded = fold_diacritics(normalized)
    # Every accented letter is folded (a mark NFC cannot compose, as on "B̀", is left where it is).
    assert (
        not any(unicodedata.decomposition(c).startswith(("0", "1")) for c in folded if c.isalpha()) and "đ" not in folded.lower()
    )


@fast
@given(any_text)
def test_dates_found_are_real_calendar_dates_inside_the_text(text):
    for found in find_dates(text):
        assert 0 <= found.start < found.end <= len(text)
        assert iso_date(found.iso) == found.iso
    value = parse_date(text)
    assert value is None or iso_date(value) == value


@fast
@given(
    st.dates(),
    st.sampled_from(["{d}/{m}/{y}", "{d:02d}-{m:02d}-{y}", "ngày {d} tháng {m} năm {y}", "ngày {d:02d} tháng {m:02d} năm {y}"]),
)
def test_every_written_form_of_a_date_reads_back(date, layout):
    text = "Hà Nội, " + layout.format(d=date.day, m=date.month, y=date.year)
    expected = date.isoformat() if 1945 <= date.year <= 2100 else None
    assert parse_date(text) == expected


@fast
@given(any_text)
def test_document_number_parsing_never_raises_and_spans_are_inside_the_text(text):
    for start, end, number in find_document_numbers(text):
        assert 0 <= start < end <= len(text)
        assert parse_document_number(text[start:end]) is not None and number.key
    find_number_references(text)
    parse_document_number(text)


@fast
@given(st.integers(1, 9999), st.sampled_from(["QĐ-UBND", "NĐ-CP", "TT-BTC", "QĐ-TTg", "KH-UBND"]), st.integers(1990, 2030))
def test_a_number_and_its_unmarked_spelling_share_one_key(number, code, year):
    written = f"{number}/{year}/{code}"
    plain = written.replace("Đ", "D")
    assert parse_document_number(written).key == parse_document_number(plain).key


@fast
@given(st.text(max_size=300))
def test_the_query_check_either_allows_or_refuses_any_text(query):
    with contextlib.suppress(QueryRefused):
        check_query(query, max_chars=20_000, local_graph_prefix="http://127.0.0.1:8000/graph/")
    assert nesting_depth(query) >= 0
    list(tokens(query))


@fast
@given(
    st.sampled_from(["SERVICE", "service", "SeRvIcE", "\\u0053ERVICE", "\\U00000053ERVICE"]),
    st.sampled_from(["", " ", ".", "}", ";\n", "#x\n"]),
)
def test_service_is_refused_whatever_comes_before_it(keyword, before):
    query = f"SELECT * WHERE {{ ?s ?p ?o {before}{keyword} <http://e/> {{ ?a ?b ?c }} }}"
    try:
        check_query(query, max_chars=20_000, local_graph_prefix="http://127.0.0.1:8000/graph/")
    except QueryRefused as refused:
        assert "SERVICE" in str(refused)
    else:
        raise AssertionError(f"allowed: {query}")
