"""The Forest Chat REST API as Python calls that return core objects."""

import itertools
import logging
import random
import threading
from dataclasses import dataclass
from pathlib import Path

import requests

from forest_chat.core import Attachment, Message, Participant, Roster, WakeOutcome
from forest_chat.core.errors import RosterError

from .errors import ForestChatClientError

log = logging.getLogger(__name__)

DEFAULT_URL = "http://127.0.0.1:5001"
MAX_WAIT = 60
LISTEN_WAIT = 30

# Mistakes in what was asked, which asking again cannot mend.
_UNUSABLE_REQUEST = (
    requests.exceptions.URLRequired,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
    requests.exceptions.InvalidURL,
    requests.exceptions.InvalidHeader,
)


@dataclass(frozen=True)
class WebhookStatus:
    """A bot's webhook as the hub shows it: the token only as has_token."""

    url: str
    has_token: bool
    strategy: object = None
    last_wake: object = None

    @classmethod
    def from_wire(cls, data):
        last = data.get("last_wake")
        return cls(
            url=data.get("url") or "",
            has_token=bool(data.get("has_token")),
            strategy=data.get("strategy"),
            last_wake=WakeOutcome.from_wire(last) if last else None,
        )


class Client:
    """Talks to one hub over HTTP; every failure is a ForestChatClientError.

    token, when given, is sent as ``Authorization: Bearer <token>``. timeout
    is how long, in seconds, to wait to connect and for an answer; a call
    that long-polls waits its ``wait`` on top.
    """

    def __init__(self, base_url=DEFAULT_URL, token=None, timeout=10, session=None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._owns_session = session is None
        self._session = session or requests.Session()

    def __repr__(self):
        return f"Client({self.base_url!r})"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        """Close the connections this client opened."""
        if self._owns_session:
            self._session.close()

    def health(self):
        """Return the hub's health answer, ``{"status": "ok", ...}``."""
        return self._call("GET", "/health")

    def send(self, sender, to, text="", attachments=()):
        """Send text (and attachments from upload()) from sender to to.

        to is a participant's name or ``all``. Return the stored Message.
        """
        body = {
            "from": sender,
            "to": to,
            "message": text,
            "attachments": [_attachment_to_wire(a) for a in attachments],
        }

        answer = self._call("POST", "/api/send", json=body)

        return _message(answer.get("message") if isinstance(answer, dict) else None)

    def read(self, reader, mark=True, wait=None):
        """Return reader's unread messages, oldest first.

        With mark (the default) they become delivered, so the next read does
        not return them again. With wait (whole seconds, at most 60) and
        nothing unread, the hub holds the call until something arrives.
        """
        params = {"for": reader, "mark_read": "true" if mark else "false"}
        wait = _check_wait(wait)
        if wait is not None:
            params["wait"] = wait

        answer = self._call("GET", "/api/read", params=params, wait=wait)

        return _messages(answer)

    def messages(self, limit=None, since=None, wait=None):
        """Return the conversation: messages after id since, the last limit of them.

        With since and wait (whole seconds, at most 60), the hub holds the
        call until there is a message after since; wait needs since.
        """
        params = {"limit": limit, "since": since, "wait": _check_wait(wait)}
        params = {key: value for key, value in params.items() if value is not None}

        answer = self._call(
            "GET", "/api/messages", params=params, wait=params.get("wait")
        )

        return _messages(answer)

    def upload(self, path):
        """Upload the file at path; return the Attachment to send with a message."""
        path = Path(path)
        try:
            handle = path.open("rb")
        except OSError as error:
            raise ForestChatClientError(
                f"cannot read {path}: {error.strerror or error}", retryable=False
            ) from None

        with handle:
            answer = self._call(
                "POST", "/api/upload", files={"file": (path.name, handle)}
            )

        try:
            return Attachment.from_wire(answer)
        except (KeyError, TypeError, AttributeError):
            raise _malformed("POST /api/upload") from None

    def participants(self):
        """Return the hub's Roster: every participant and the operator."""
        answer = self._call("GET", "/api/participants")

        try:
            people = [Participant(p["name"], p["kind"]) for p in answer["participants"]]
            return Roster(people, operator=answer["operator"])
        except (KeyError, TypeError, RosterError):
            raise _malformed("GET /api/participants") from None

    def strategies(self):
        """Return the names of the wake strategies a webhook may choose."""
        answer = self._call("GET", "/api/strategies")

        try:
            return [str(name) for name in answer["strategies"]]
        except (KeyError, TypeError):
            raise _malformed("GET /api/strategies") from None

    def webhooks(self):
        """Return {bot name: WebhookStatus} for every bot of the hub."""
        answer = self._call("GET", "/api/config")

        try:
            return {
                name: WebhookStatus.from_wire(data) for name, data in answer.items()
            }
        except (AttributeError, TypeError):
            raise _malformed("GET /api/config") from None

    def set_webhook(self, name, url=None, token=None, strategy=None):
        """Change how the hub wakes bot name; an argument left None stays as it is.

        url ``""`` removes the webhook; strategy ``""`` chooses by the URL.
        """
        body = {"target": name, "url": url, "token": token, "strategy": strategy}
        body = {key: value for key, value in body.items() if value is not None}

        self._call("POST", "/api/config", json=body)

    def follow(
        self, since=None, *, wait=LISTEN_WAIT, stop=None, backoff=0.5, max_backoff=30
    ):
        """Yield every message of the conversation after id since, forever.

        since None starts with the next message stored. The hub is
        long-polled ``wait`` seconds (1 to 60) at a time; connection errors and
        5xx are retried with exponential backoff up to max_backoff seconds.
        Setting the threading.Event stop ends the generator within one wait.
        """
        _check_wait(wait, least=1)
        retry = _Retry(backoff, max_backoff, stop)
        try:
            if since is None:
                since = retry.call(self._last_id)
            for batch in self._batches(since, wait, retry):
                yield from batch
        except _Stopped:
            return

    def listen(
        self,
        reader,
        *,
        mark=True,
        wait=LISTEN_WAIT,
        stop=None,
        backoff=0.5,
        max_backoff=30,
    ):
        """Yield each message for reader exactly once, as it arrives, forever.

        Starts with reader's unread messages, then every message addressed to
        reader (directly or to ``all``) as it is stored. The hub is long-polled
        ``wait`` seconds (1 to 60) at a time; connection errors and 5xx (a hub
        restart) are retried with exponential backoff up to max_backoff
        seconds, and nothing is skipped or repeated across them. A 4xx, such as
        an unknown reader, is raised. Setting the threading.Event stop ends the
        generator within one wait, after the batch under way.

        With mark, each batch is marked read once all of it was yielded.

        Why it follows the conversation rather than reading with mark: the
        API's ``mark_read=true`` marks everything unread and answers with what
        it marked, so an answer lost on the way (the hub or the network failing
        after the mark was stored) would lose those messages. Here the messages
        come from ``GET /api/messages?since=<last seen id>``, which changes
        nothing and can be asked again after any failure; marking is only an
        acknowledgement whose answer is not needed, repeated until it succeeds.
        Trade-offs: every message of the conversation crosses the wire, not only
        reader's; a message read by someone else as reader (``curl .../api/read``)
        is still yielded; if the consumer stops mid-batch (break, crash), that
        batch was not marked and comes again from the next listen, so delivery
        across consumers is at least once; and a message that arrives while a
        batch is being marked is marked with it, so a consumer that stops right
        then does not see it again. Run one listen per reader.
        """
        _check_wait(wait, least=1)
        retry = _Retry(backoff, max_backoff, stop)
        try:
            cursor = retry.call(self._last_id)
            unread = retry.call(self.read, reader, mark=False)
            start = max([cursor, *(message.id for message in unread)])
            batches = self._batches(start, wait, retry)
            unacknowledged = False

            for batch in itertools.chain([unread], batches):
                mine = [message for message in batch if _is_for(message, reader)]
                yield from mine
                if mark and (mine or unacknowledged):
                    unacknowledged = not self._acknowledge(reader)
        except _Stopped:
            return

    def _batches(self, since, wait, retry):
        while True:
            batch = retry.call(self.messages, since=since, wait=wait)
            if batch:
                since = batch[-1].id
            yield batch

    def _last_id(self):
        newest = self.messages(limit=1)
        return newest[-1].id if newest else 0

    def _acknowledge(self, reader):
        try:
            self.read(reader, mark=True)
        except ForestChatClientError as error:
            if not error.retryable:
                raise
            log.warning(
                "marking %s's messages read failed, will retry: %s", reader, error
            )
            return False
        return True

    def _call(self, method, path, *, wait=None, **kwargs):
        url = self.base_url + path
        timeout = (self.timeout, self.timeout + (wait or 0))
        try:
            response = self._session.request(
                method,
                url,
                headers=self._headers,
                timeout=timeout,
                allow_redirects=False,
                **kwargs,
            )
        except requests.Timeout:
            raise ForestChatClientError(
                f"the hub at {self.base_url} did not answer {method} {path} "
                f"within {timeout[1]} s"
            ) from None
        except requests.ConnectionError as error:
            raise ForestChatClientError(
                f"cannot reach the hub at {self.base_url}: {_reason(error)}"
            ) from None
        except _UNUSABLE_REQUEST as error:
            raise ForestChatClientError(
                f"cannot call {url}: {error}", retryable=False
            ) from None
        except requests.RequestException as error:
            # Such as an answer cut short when the hub died while sending it.
            raise ForestChatClientError(
                f"the answer of the hub at {self.base_url} to {method} {path} "
                f"broke off: {type(error).__name__}"
            ) from None

        with response:
            if not 200 <= response.status_code < 300:
                raise ForestChatClientError(
                    _error_text(response), status=response.status_code
                )
            try:
                return response.json()
            except ValueError:
                raise _malformed(f"{method} {path}", response.status_code) from None


class _Stopped(Exception):
    """The caller's stop event was set."""


class _Retry:
    """Calls again after retryable failures, waiting longer each time."""

    def __init__(self, first, cap, stop):
        self.first = first
        self.cap = cap
        self.stop = stop or threading.Event()
        self.failures = 0

    def call(self, function, *args, **kwargs):
        while True:
            if self.stop.is_set():
                raise _Stopped()
            try:
                result = function(*args, **kwargs)
            except ForestChatClientError as error:
                if not error.retryable:
                    raise
                self.failures += 1
                delay = self._delay()
                log.warning(
                    "hub call failed (%d in a row), retrying in %.1f s: %s",
                    self.failures,
                    delay,
                    error,
                )
                if self.stop.wait(delay):
                    raise _Stopped() from None
                continue
            if self.failures:
                log.info("hub answers again after %d failed calls", self.failures)
            self.failures = 0
            return result

    def _delay(self):
        ceiling = min(self.first * 2 ** (self.failures - 1), self.cap)
        # Jitter keeps clients that lost the hub together from returning together.
        return random.uniform(ceiling / 2, ceiling)


def _is_for(message, reader):
    return message.sender != reader and reader in message.delivered_to


def _check_wait(wait, least=0):
    """Return wait if the hub takes it; least=1 keeps a loop from polling hard."""
    if wait is None and least == 0:
        return None
    whole = isinstance(wait, int) and not isinstance(wait, bool)
    if not whole or not least <= wait <= MAX_WAIT:
        raise ForestChatClientError(
            f"'wait' must be whole seconds from {least} to {MAX_WAIT}, not {wait!r}",
            retryable=False,
        )
    return wait


def _attachment_to_wire(attachment):
    if isinstance(attachment, Attachment):
        return attachment.to_wire()
    return dict(attachment)


def _message(data):
    try:
        return Message.from_wire(data)
    except (KeyError, TypeError, AttributeError):
        raise _malformed("a message") from None


def _messages(data):
    if not isinstance(data, list):
        raise _malformed("a list of messages")
    return [_message(item) for item in data]


def _malformed(what, status=None):
    return ForestChatClientError(
        f"the hub's answer to {what} is not what the API describes", status=status
    )


def _error_text(response):
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return body["error"]
    start = " ".join(response.text[:200].split())
    described = f"HTTP {response.status_code} {response.reason or ''}".rstrip()
    return f"{described}: {start}" if start else described


def _reason(error):
    """Return why a connection failed in a few words, e.g. 'connection refused'."""
    seen = set()
    current = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and isinstance(current.strerror, str):
            return current.strerror.lower()
        inner = current.args[0] if current.args else None
        current = (
            getattr(current, "reason", None)
            or current.__cause__
            or current.__context__
            or (inner if isinstance(inner, BaseException) else None)
        )
    return "the connection failed"
