"""gunicorn's threaded worker, with whole requests read by the event loop instead of by a thread.

Why: gunicorn's gthread worker hands a connection to a thread as soon as its first bytes arrive,
and the thread then reads the rest of the request (headers, body) from a blocking socket with no
deadline. A client that sends "GET / HTTP/1.1\\r\\nX-Slow: " and then a byte now and then (slowloris),
or a Content-Length and then a trickle of body, holds that thread for as long as it likes; two dozen
such clients held every thread of every worker and a search waited more than 40 s (hostile-input
harness, `python -m tests.hostile --only http`).

Here the worker's event loop (one thread, non-blocking sockets) collects each request, head and
body, until it is complete (`request_complete`), and only a complete request goes to a thread, its
bytes put back in front of gunicorn's parser. A request still arriving costs a file descriptor, not a
thread, and is closed when REQUEST_DEADLINE passes since its first byte (or since the connection
was accepted, or kept alive). The same holds for the next request on a kept-alive connection.
Bodies larger than MAX_BUFFERED_BODY, and bodies a client sends only after "100 Continue", are left
to the thread (the app refuses the large ones with 413 without reading them).

Built on gunicorn 27.0.1's ThreadWorker internals (TConn, pending_conns, poller, enqueue_req), which
is why requirements.lock pins that version; tests/test_serve.py holds the behaviour.
"""

from __future__ import annotations

import contextlib
import errno
import re
import selectors
import time
from functools import partial

from gunicorn.workers.gthread import TConn, ThreadWorker

from web.app import MAX_REQUEST_BYTES

REQUEST_DEADLINE = 10.0  # seconds for a whole request to arrive
BODY_IDLE = 30.0  # seconds a thread waits for a piece of a body left to it, or for a client to read the answer
MAX_HEAD = 64 * 1024  # a longer head is handed over as is: gunicorn's own limits refuse it
MAX_BUFFERED_BODY = MAX_REQUEST_BYTES
END_OF_HEAD = re.compile(rb"\r?\n\r?\n")
CONTENT_LENGTH = re.compile(rb"^content-length[ \t]*:[ \t]*(\d{1,19})[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)
CHUNKED = re.compile(rb"^transfer-encoding[ \t]*:.*chunked", re.IGNORECASE | re.MULTILINE)
EXPECT_CONTINUE = re.compile(rb"^expect[ \t]*:[ \t]*100-continue", re.IGNORECASE | re.MULTILINE)
CHUNK_SIZE = re.compile(rb"([0-9a-fA-F]{1,16})[^\r\n]*\r\n")


def request_complete(buffer: bytes) -> bool:
    """Whether `buffer` holds a request a thread can read without waiting on the client.

    True also for what the thread will refuse at once rather than read: an overlong head, a body
    over MAX_BUFFERED_BODY, a body the client holds back until "100 Continue", malformed chunking."""
    end = END_OF_HEAD.search(buffer)
    if end is None:
        return len(buffer) > MAX_HEAD
    head, body = buffer[: end.start()], buffer[end.end() :]
    if EXPECT_CONTINUE.search(head):
        return True
    if CHUNKED.search(head):
        return _chunked_body_complete(body)
    length = CONTENT_LENGTH.search(head)
    if length is None:
        return True
    size = int(length.group(1))
    return size > MAX_BUFFERED_BODY or len(body) >= size


def _chunked_body_complete(body: bytes) -> bool:
    position = 0
    while True:
        if len(body) - position > MAX_BUFFERED_BODY:
            return True
        size_line = CHUNK_SIZE.match(body, position)
        if size_line is None:
            # an incomplete size line waits; anything else is malformed and left to the parser to refuse
            rest = body[position:]
            return b"\n" in rest or len(rest) > 1024
        size = int(size_line.group(1), 16)
        position = size_line.end()
        if size == 0:
            # trailer fields, then an empty line
            trailers = body[position:]
            return trailers.startswith(b"\r\n") or b"\r\n\r\n" in trailers
        if size > MAX_BUFFERED_BODY:
            return True
        position += size + 2
        if position > len(body):
            return False


class RequestBufferingWorker(ThreadWorker):
    """gthread with requests buffered by the event loop (see the module docstring)."""

    def accept(self, listener) -> None:
        try:
            client, address = listener.accept()
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                return
            raise
        self.nr_conns += 1
        conn = TConn(self.cfg, client, address, listener.getsockname())  # sets the socket non-blocking
        self._await_request(conn)

    def on_client_socket_readable(self, conn, client) -> None:
        """A kept-alive connection has bytes of its next request: collect it first."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._await_request(conn)
        self._read(conn, client)

    def handle_request(self, req, conn):
        conn.sock.settimeout(BODY_IDLE)
        return super().handle_request(req, conn)

    def _await_request(self, conn: TConn) -> None:
        conn.received = bytearray()
        conn.timeout = time.monotonic() + REQUEST_DEADLINE
        self.pending_conns.append(conn)  # murder_pending closes it at conn.timeout
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._read, conn))

    def _read(self, conn: TConn, client) -> None:
        try:
            data = conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client went away before finishing its request
            self._forget(conn)
            self.nr_conns -= 1
            conn.close()
            return
        conn.received += data
        if request_complete(conn.received):
            self._forget(conn)
            self._dispatch(conn)

    def _forget(self, conn: TConn) -> None:
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(conn.sock)
        with contextlib.suppress(ValueError):
            self.pending_conns.remove(conn)

    def _dispatch(self, conn: TConn) -> None:
        """Hand a connection with a complete request to a thread, its bytes put back in front of the parser."""
        received = bytes(conn.received)
        del conn.received
        conn.data_ready = True  # gthread's handle() would otherwise wait for readable data again
        conn.sock.setblocking(True)
        try:
            conn.init()  # builds the parser (plain HTTP/1.x: no TLS, no HTTP/2 negotiation configured)
        except OSError:
            self.nr_conns -= 1
            conn.close()
            return
        conn.parser.unreader.unread(received)
        self.enqueue_req(conn)
