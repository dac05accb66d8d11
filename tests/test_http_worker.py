"""How far a request has arrived, as the server's event loop judges it before a thread takes it (web/http_worker.py)."""

import pytest

from web.http_worker import MAX_BUFFERED_BODY, MAX_HEAD, Arrival, request_arrival

HEAD = b"GET /api/search?q=x HTTP/1.1\r\nHost: x\r\n"
POST = b"POST /sparql HTTP/1.1\r\nHost: x\r\n"
CHUNKED = POST + b"Transfer-Encoding: chunked\r\n\r\n"


@pytest.mark.parametrize(
    ("received", "arrival"),
    [
        (b"", Arrival.PARTIAL),
        (HEAD, Arrival.PARTIAL),  # no blank line yet: a slowloris head
        (HEAD + b"X-Slow: aaaa", Arrival.PARTIAL),
        (HEAD + b"\r\n", Arrival.WHOLE),
        (HEAD + b"\r\n" + HEAD, Arrival.WHOLE),  # pipelined: the first request is whole
        (b"GET / HTTP/1.1\nHost: x\n\n", Arrival.WHOLE),  # bare newlines, which gunicorn's parser tolerates
        (b"X" * (MAX_HEAD + 1), Arrival.REFUSABLE),  # overlong head: the parser refuses it at once
        (POST + b"Content-Length: 10\r\n\r\nASK {", Arrival.PARTIAL),  # a trickled body
        (POST + b"content-length : 10\r\n\r\nASK { } } ", Arrival.WHOLE),
        (POST + b"Content-Length: %d\r\n\r\nASK" % (MAX_BUFFERED_BODY + 1), Arrival.REFUSABLE),  # 413, unread
        (POST + b"Content-Length: 10\r\nExpect: 100-continue\r\n\r\n", Arrival.CONTINUE),
        (POST + b"Content-Length: 10\r\nExpect: 100-continue\r\n\r\nASK {", Arrival.CONTINUE),
        (POST + b"Content-Length: 10\r\nExpect: 100-continue\r\n\r\nASK { } } ", Arrival.WHOLE),
        (CHUNKED + b"5\r\nASK {", Arrival.PARTIAL),
        (CHUNKED + b"5\r\nASK {\r\n3\r\n } \r\n", Arrival.PARTIAL),
        (CHUNKED + b"5\r\nASK {\r\n3\r\n } \r\n0\r\n\r\n", Arrival.WHOLE),
        (CHUNKED + b"5;ext=1\r\nASK {\r\n0\r\nX-T: 1\r\n\r\n", Arrival.WHOLE),  # extension and trailer
        (CHUNKED + b"zz\r\n", Arrival.REFUSABLE),  # malformed: refused by the parser
        (CHUNKED + b"ffffffffff\r\n", Arrival.REFUSABLE),  # too large to buffer
    ],
)
def test_a_request_goes_to_a_thread_only_once_the_client_has_sent_it(received, arrival):
    assert request_arrival(received) is arrival
