"""A fake OpenClaw gateway: the hooks contract over real HTTP, for tests.

Use it as a context manager; it listens on 127.0.0.1 on a free port::

    with FakeGateway(token="s3cret") as gateway:
        url = gateway.url("/hooks/wake")        # give this to the hub
        ...                                     # wake something
        gateway.wait_for(1)                     # one request has arrived
        gateway.received[0].json                # {"text": ..., "mode": "now"}

Contract (as OpenClaw's ``/hooks/wake`` and ``/hooks/agent``): 404 for any
other path, 405 for another method, 400 for a ``?token=`` query, 401 unless
``Authorization: Bearer <token>``, 413 for a body over 256 KiB, 400 for a body
that is not a JSON object, a wake without ``text``, an agent call without
``message`` or with ``sessionKey``; otherwise 200 ``{"ok": true}``.

Knobs for tests:
- ``fail_next(count, status=500, headers=None)``: answer the next count
  requests with status (and headers, e.g. ``{"Retry-After": "1"}``) before
  any check.
- ``slow(seconds)``: hold every request that long before answering;
  ``release()`` lets the held ones (and later ones) answer at once.
- ``received``: every request in arrival order, as ``Received`` (path,
  query, headers, raw body, parsed JSON, status answered);
  ``in_flight`` and ``peak_in_flight`` count requests not yet answered.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from requests.structures import CaseInsensitiveDict

MAX_BODY = 256 * 1024
PATHS = ("/hooks/wake", "/hooks/agent")


@dataclass
class Received:
    """One request the gateway got; status is None until it is answered.

    headers is case-insensitive; body is the raw bytes (to check a
    signature against); json is None for a body that is not JSON.
    """

    path: str
    query: dict
    headers: dict
    body: bytes
    json: object
    at: float = field(default_factory=time.monotonic)
    status: int = None


class FakeGateway:
    """An OpenClaw-style hooks server on 127.0.0.1, run in a thread."""

    def __init__(self, token="gateway-token"):
        self.token = token
        self.received = []
        self.in_flight = 0
        self.peak_in_flight = 0
        self._failures = []
        self._delay = 0
        self._released = threading.Event()
        self._changed = threading.Condition()
        self._server = None
        self._thread = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def base_url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path="/hooks/wake"):
        """Return the full address of path on this gateway."""
        return self.base_url + path

    def start(self):
        """Listen on a free port and answer in a background thread."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        # Handler threads are joined when the server closes.
        self._server.daemon_threads = False
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-gateway",
            daemon=True,
        )
        self._thread.start()

    def stop(self):
        """Answer whatever is held, stop listening, and join every thread."""
        self.release()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def fail_next(self, count, status=500, headers=None):
        """Answer the next count requests with status and headers."""
        with self._changed:
            self._failures.extend([(status, dict(headers or {}))] * count)

    def slow(self, seconds):
        """Hold each request seconds before answering, until release()."""
        self._released.clear()
        self._delay = seconds

    def release(self):
        """Let held requests answer now, and later ones without delay."""
        self._delay = 0
        self._released.set()

    def wait_for(self, count, timeout=5):
        """Wait until count requests have arrived; tell whether they did."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.received) >= count, timeout)

    def wait_answered(self, count, timeout=5):
        """Wait until count requests have been answered; tell whether they were."""
        with self._changed:
            return self._changed.wait_for(
                lambda: sum(r.status is not None for r in self.received) >= count,
                timeout,
            )

    def _arrived(self, received):
        with self._changed:
            self.received.append(received)
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            failure = self._failures.pop(0) if self._failures else None
            self._changed.notify_all()
        return failure

    def _hold(self):
        if self._delay:
            self._released.wait(self._delay)

    def _answered(self, received, status):
        with self._changed:
            received.status = status
            self.in_flight -= 1
            self._changed.notify_all()

    def judge(self, path, query, headers, length, body):
        """Return (status, error or None) for a request under the contract."""
        if path not in PATHS:
            return 404, f"no hook at {path}"
        if "token" in query:
            return 400, "the token belongs in the Authorization header"
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 401, "unauthorized"
        if length > MAX_BODY:
            return 413, "payload too large"
        if not isinstance(body, dict):
            return 400, "the body must be a JSON object"
        if path == "/hooks/wake" and not _text(body.get("text")):
            return 400, "text required"
        if path == "/hooks/agent" and not _text(body.get("message")):
            return 400, "message required"
        if path == "/hooks/agent" and "sessionKey" in body:
            return 400, "sessionKey is not allowed"
        return 200, None


def _text(value):
    return isinstance(value, str) and bool(value.strip())


def _handler_for(gateway):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            # Read even a refused body: a client still writing it would
            # otherwise see a reset connection instead of the answer.
            raw = self.rfile.read(length)
            body = _parse(raw) if length <= MAX_BODY else None
            received = Received(
                path=parts.path,
                query=parse_qs(parts.query),
                headers=CaseInsensitiveDict(self.headers.items()),
                body=raw,
                json=body,
            )

            failure = gateway._arrived(received)
            gateway._hold()
            if failure:
                status, headers = failure
                self._answer(received, status, {"ok": False}, headers)
                return
            status, error = gateway.judge(
                received.path, received.query, received.headers, length, body
            )
            answer = {"ok": True} if error is None else {"ok": False, "error": error}
            self._answer(received, status, answer)

        def do_GET(self):
            self._answer(None, 405, {"ok": False, "error": "use POST"})

        def _answer(self, received, status, answer, headers=None):
            data = json.dumps(answer).encode()
            if received is not None:
                gateway._answered(received, status)
            try:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except ConnectionError:
                pass  # the client stopped waiting (a timeout test)

        def log_message(self, format, *args):
            pass

    return Handler


def _parse(raw):
    try:
        return json.loads(raw)
    except ValueError:
        return None


class Outcomes:
    """Collects (bot, WakeOutcome) pairs, handing each on to record if given."""

    def __init__(self, record=None):
        self.record = record
        self.seen = []
        self._changed = threading.Condition()

    def __call__(self, name, outcome):
        if self.record is not None:
            self.record(name, outcome)
        with self._changed:
            self.seen.append((name, outcome))
            self._changed.notify_all()

    def wait_for(self, count, timeout=10):
        """Wait until count outcomes have arrived; tell whether they did."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.seen) >= count, timeout)

    @property
    def last(self):
        return self.seen[-1][1]
