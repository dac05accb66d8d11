"""When the server's event loop considers a request complete enough to hand to a thread (web/http_worker.py)."""

import pytest

from web.http_worker import MAX_BUFFERED_BODY, MAX_HEAD, request_complete

HEAD = b"GET /api/search?q=x HTTP/1.1\r\nHost: x\r\n"


@pytest.mark.parametrize(
    ("received", "complete"),
    [
        (b"", False),
        (HEAD, False),  # no blank line yet: a slowloris head
        (HEAD + b"X-Slow: aaaa", False),
        (HEAD + b"\r\n", True),
        (b"GET / HTTP/1.1\nHost: x\n\n", True),  # bare newlines, which gunicorn's parser tolerates
        (b"X" * (MAX_HEAD + 1), True),  # overlong head: the parser refuses it at once
        (b"POST /sparql HTTP/1.1\r\nContent-Length: 10\r\n\r\nASK {", False),
        (b"POST /sparql HTTP/1.1\r\ncontent-length : 10\r\n\r\nASK { } } ", True),
        (b"POST /sparql HTTP/1.1\r\nContent-Length: %d\r\n\r\nASK" % (MAX_BUFFERED_BODY + 1), True),  # 413 unread
        (b"POST /sparql HTTP/1.1\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n", True),
        (b"POST /sparql HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nASK {", False),
        (b"POST /sparql HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nASK {\r\n3\r\n } \r\n", False),
        (b"POST /sparql HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nASK {\r\n3\r\n } \r\n0\r\n\r\n", True),
        (b"POST /sparql HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nASK {\r\n0\r\nX-T: 1\r\n\r\n", True),
        (b"POST /sparql HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", True),  # malformed: refused by the parser
        (b"POST /sparql HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffff\r\n", True),  # too large to buffer
    ],
)
def test_a_request_goes_to_a_thread_only_once_the_client_has_sent_it(received, complete):
    assert request_complete(received) is complete
