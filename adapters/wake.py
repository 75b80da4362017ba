"""The webhook sender: wakes bots over HTTP in a bounded pool of threads."""

import logging
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import requests
import urllib3
from requests.adapters import HTTPAdapter

from forest_chat.core import SystemClock, WakeOutcome, Waker
from forest_chat.core.model import loggable_url
from forest_chat.plugins import known_strategies, strategy_for

log = logging.getLogger(__name__)

# Gateways refuse bodies over 256 KiB; sending one would only fail slower.
MAX_BODY = 256 * 1024
ERROR_CHARS = 300


class HTTPWaker(Waker):
    """Send the plugins' wake requests with retries, never blocking a send.

    Each wake makes at most ``retries + 1`` attempts. Connection errors,
    timeouts, 429 and 5xx are retried after an exponential backoff with
    jitter (or the 429's ``Retry-After``), both capped at max_delay seconds;
    any other answer is final. on_outcome(bot name, WakeOutcome) hears how
    each wake ended. At most max_workers wakes are sent at once and at most
    max_pending wait or run; more are dropped.
    """

    def __init__(
        self,
        pm,
        *,
        on_outcome,
        timeout=10,
        retries=3,
        backoff=0.5,
        max_delay=30,
        max_workers=4,
        max_pending=1000,
        session=None,
        clock=None,
    ):
        self.pm = pm
        self.on_outcome = on_outcome
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_delay = max_delay
        self.max_pending = max_pending
        self.clock = clock or SystemClock()
        self._owns_session = session is None
        self._session = session or _new_session(max_workers)
        self._pool = ThreadPoolExecutor(
            max_workers=max_workers, thread_name_prefix="forest-chat-wake"
        )
        self._lock = threading.Lock()
        self._pending = 0
        self._cancelled = 0
        self._stopping = threading.Event()

    def wake(self, participant, message, webhook):
        name = participant.name
        try:
            request = self.pm.hook.forest_chat_wake_request(
                participant=participant, message=message, webhook=webhook
            )
        except Exception:
            log.exception("wake of %s: a plugin failed to build the request", name)
            self._finish(name, 0, error="a plugin failed to build the wake request")
            return
        if request is None:
            strategy = strategy_for(webhook)
            log.warning("wake of %s: no plugin answers for strategy %r", name, strategy)
            self._finish(name, 0, error=f"no plugin answers for strategy {strategy!r}")
            return

        if not self._reserve():
            log.warning(
                "wake of %s dropped: %d wakes are already waiting",
                name,
                self.max_pending,
            )
            self._finish(name, 0, error="dropped: too many wakes waiting")
            return
        try:
            future = self._pool.submit(self._run, name, request)
        except RuntimeError:
            self._release()
            log.warning("wake of %s dropped: the waker is closed", name)
            self._finish(name, 0, error="dropped: the hub is stopping")
            return
        future.add_done_callback(self._done)

    def strategies(self):
        return known_strategies(self.pm)

    def close(self):
        self._stopping.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._cancelled:
            log.warning("%d queued wakes dropped at shutdown", self._cancelled)
        if self._owns_session:
            self._session.close()

    def _reserve(self):
        with self._lock:
            if self._pending >= self.max_pending:
                return False
            self._pending += 1
            return True

    def _release(self):
        with self._lock:
            self._pending -= 1

    def _done(self, future):
        self._release()
        if future.cancelled():
            with self._lock:
                self._cancelled += 1

    def _run(self, name, request):
        try:
            self._send(name, request)
        except Exception:
            log.exception("wake of %s failed unexpectedly", name)
            self._finish(name, 0, error="the sender failed; see the hub's log")

    def _send(self, name, request):
        url = loggable_url(request.url)
        body = request.body()
        headers = {"Content-Type": "application/json", **request.headers}
        if len(body) > MAX_BODY:
            log.warning("wake of %s: body of %d bytes is too large", name, len(body))
            self._finish(name, 0, error=f"wake body over {MAX_BODY} bytes, not sent")
            return
        # requests would quote a bad value in its error, and so leak the token.
        unsendable = _unsendable_header(headers)
        if unsendable:
            error = (
                f"header {unsendable!r} is not one line of printable ASCII "
                "(check the webhook's token), not sent"
            )
            log.warning("wake of %s: %s", name, error)
            self._finish(name, 0, error=error)
            return

        attempt = 0
        while True:
            attempt += 1
            answer = self._attempt(request, body, headers)
            status, error, retry_after, retryable = answer
            if error is None:
                log.info(
                    "wake of %s: %s answered %s (attempt %d)",
                    name,
                    url,
                    status,
                    attempt,
                )
                self._finish(name, attempt, status=status)
                return
            if not retryable or attempt > self.retries:
                log.warning(
                    "wake of %s failed: %s answered %s (attempt %d, giving up): %s",
                    name,
                    url,
                    status or "nothing",
                    attempt,
                    error,
                )
                self._finish(name, attempt, status=status, error=error)
                return

            delay = self._delay(attempt, retry_after)
            log.warning(
                "wake of %s: %s answered %s (attempt %d of %d), retrying in %.2f s: %s",
                name,
                url,
                status or "nothing",
                attempt,
                self.retries + 1,
                delay,
                error,
            )
            if self._stopping.wait(delay):
                log.warning("wake of %s abandoned: the hub is stopping", name)
                self._finish(name, attempt, status=status, error=error)
                return

    def _attempt(self, request, body, headers):
        """Post once; return (status, error or None, retry_after, retryable)."""
        secret = _bearer_token(headers)
        try:
            response = self._session.post(
                request.url,
                data=body,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
                stream=True,
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            return None, _describe(exc, secret), None, True
        except requests.RequestException as exc:
            return None, _describe(exc, secret), None, False

        with response:
            status = response.status_code
            if 200 <= status < 300:
                return status, None, None, False
            detail = _redact(_start_of(response), secret)
            error = f"HTTP {status} {response.reason or ''}".rstrip()
            error = f"{error}: {detail}" if detail else error
            retry_after = _retry_after(response.headers.get("Retry-After"))
            retryable = status == 429 or status >= 500
            return status, error[:ERROR_CHARS], retry_after, retryable

    def _delay(self, attempt, retry_after):
        if retry_after is not None:
            return min(retry_after, self.max_delay)
        ceiling = min(self.backoff * 2 ** (attempt - 1), self.max_delay)
        # Jitter spreads out bots that failed together so they retry apart.
        return random.uniform(ceiling / 2, ceiling)

    def _finish(self, name, attempts, *, status=None, error=None):
        outcome = WakeOutcome(
            ok=error is None,
            at=self.clock.now().isoformat(timespec="seconds"),
            attempts=attempts,
            status=status,
            error=error,
        )
        try:
            self.on_outcome(name, outcome)
        except Exception:
            log.exception("wake of %s: recording the outcome failed", name)


def _new_session(max_workers):
    session = requests.Session()
    # Wakes go straight to the gateway: no proxy or .netrc from the
    # environment may reroute them or replace the Authorization header.
    session.trust_env = False
    adapter = HTTPAdapter(pool_connections=max_workers, pool_maxsize=max_workers)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _unsendable_header(headers):
    """Return the name of the first header whose value cannot be sent as is."""
    for name, value in headers.items():
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        if not isinstance(value, str):
            return name
        if not (value.isascii() and value.isprintable()) or value != value.strip():
            return name
    return None


def _bearer_token(headers):
    value = headers.get("Authorization", "")
    return value.removeprefix("Bearer ") if value.startswith("Bearer ") else ""


def _redact(text, secret):
    return text.replace(secret, "***") if secret else text


def _describe(exc, secret):
    return _redact(f"{type(exc).__name__}: {exc}", secret)[:ERROR_CHARS]


def _start_of(response):
    try:
        start = response.raw.read(ERROR_CHARS, decode_content=True)
    except (OSError, requests.RequestException, urllib3.exceptions.HTTPError):
        return ""
    return " ".join(start.decode("utf-8", "replace").split())


def _retry_after(value):
    """Return the seconds a Retry-After header asks for, or None."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
