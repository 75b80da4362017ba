"""The Python client against a running hub: each call, its answers and its errors."""

import threading

import pytest
import requests

from forest_chat.client import Client, ForestChatClientError, WebhookStatus
from forest_chat.core import Attachment, Message, Roster
from tests.gateway import FakeGateway
from tests.servers import free_port


def send_later(client, delay, *args):
    """Send a message from another thread after delay seconds; return the thread."""
    timer = threading.Timer(delay, client.send, args)
    timer.start()
    return timer


def test_send_returns_the_stored_message(client):
    """send answers with the stored Message: id, sender, addressee, text, recipients."""
    message = client.send("bigc", "cypress", "Run diagnostics please.")

    assert isinstance(message, Message)
    assert message.id > 0
    assert (message.sender, message.to, message.text) == (
        "bigc",
        "cypress",
        "Run diagnostics please.",
    )
    assert message.delivered_to == {"cypress": False}


def test_send_carries_uploaded_attachments(client, hub, tmp_path):
    """A file from upload() sent as an attachment arrives with the message."""
    path = tmp_path / "notes.txt"
    path.write_bytes(b"remember this")
    attachment = client.upload(path)

    message = client.send("bigc", "redwood", "see attached", [attachment])

    assert message.attachments == (attachment,)
    download = requests.get(f"{hub.url}{attachment.url}", timeout=10)
    assert download.content == b"remember this"


def test_read_marks_what_it_returns(client):
    """read returns the unread messages once; the next read has nothing."""
    client.read("cypress")
    sent = client.send("bigc", "cypress", "once")

    first = client.read("cypress")
    second = client.read("cypress")

    assert [m.id for m in first] == [sent.id]
    assert second == []


def test_read_without_mark_leaves_messages_unread(client):
    """read(mark=False) peeks: the messages are still unread afterwards."""
    client.read("cypress")
    sent = client.send("bigc", "cypress", "peek")

    peeked = client.read("cypress", mark=False)
    read = client.read("cypress")

    assert [m.id for m in peeked] == [m.id for m in read] == [sent.id]


def test_read_with_wait_returns_a_message_sent_meanwhile(client):
    """A waiting read answers with a message sent while it waits."""
    client.read("redwood")
    timer = send_later(client, 0.5, "bigc", "redwood", "while you wait")

    found = client.read("redwood", wait=20)
    timer.join()

    assert [m.text for m in found] == ["while you wait"]


def test_read_with_wait_returns_nothing_when_nothing_arrives(client):
    """A waiting read with nothing arriving answers [] once the wait is over."""
    client.read("redwood")

    found = client.read("redwood", wait=1)

    assert found == []


def test_messages_since_and_limit(client):
    """messages(since, limit) returns the last limit messages after since."""
    first = client.send("bigc", "cypress", "one")
    client.send("bigc", "cypress", "two")
    client.send("bigc", "cypress", "three")

    after = client.messages(since=first.id)
    last = client.messages(since=first.id, limit=1)

    assert [m.text for m in after] == ["two", "three"]
    assert [m.text for m in last] == ["three"]


def test_messages_with_wait_returns_a_message_sent_meanwhile(client):
    """messages(since, wait) answers as soon as a newer message is stored."""
    newest = client.messages(limit=1)[-1].id
    timer = send_later(client, 0.5, "bigc", "all", "news")

    found = client.messages(since=newest, wait=20)
    timer.join()

    assert [m.text for m in found] == ["news"]


def test_messages_with_wait_but_no_since_is_refused(client):
    """The hub refuses wait without since, and the client raises its reason."""
    with pytest.raises(ForestChatClientError) as raised:
        client.messages(limit=5, wait=1)

    assert raised.value.status == 400
    assert raised.value.error.startswith("'wait' needs 'since'")


def test_upload_returns_the_attachment(client, tmp_path):
    """upload answers with an Attachment naming the stored file."""
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4 hello")

    attachment = client.upload(path)

    assert isinstance(attachment, Attachment)
    assert attachment.original_name == "report.pdf"
    assert attachment.size == 14
    assert attachment.url == f"/api/files/{attachment.filename}"


def test_upload_of_a_missing_file_raises_the_client_error(client, tmp_path):
    """A file that cannot be read raises ForestChatClientError, not OSError."""
    with pytest.raises(ForestChatClientError) as raised:
        client.upload(tmp_path / "missing.txt")

    assert "missing.txt" in raised.value.error
    assert raised.value.status is None
    assert not raised.value.retryable


def test_participants_returns_the_roster(client):
    """participants returns the hub's Roster, kinds and operator included."""
    roster = client.participants()

    assert roster == Roster.default()


def test_strategies_names_the_built_in_wake_strategies(client):
    """strategies lists what a webhook's strategy may be, the built-ins included."""
    assert client.strategies() == ["json", "openclaw-agent", "openclaw-wake"]


def test_set_webhook_then_webhooks_shows_it_without_the_token(client):
    """A webhook set through the client reads back with has_token, not the token."""
    client.set_webhook(
        "redwood",
        url="http://127.0.0.1:9/hooks/agent",
        token="s3cret",
        strategy="openclaw-agent",
    )

    webhooks = client.webhooks()

    assert webhooks["redwood"] == WebhookStatus(
        url="http://127.0.0.1:9/hooks/agent",
        has_token=True,
        strategy="openclaw-agent",
        last_wake=None,
    )
    assert "s3cret" not in repr(webhooks)


def test_refusal_raises_with_the_status_and_the_hubs_words(client):
    """A 4xx raises ForestChatClientError carrying the status and the hub's error."""
    with pytest.raises(ForestChatClientError) as raised:
        client.send("bigc", "nobody", "hello?")

    assert raised.value.status == 400
    assert raised.value.error.startswith("unknown recipient 'nobody'")
    assert str(raised.value) == raised.value.error
    assert not raised.value.retryable


def test_unreachable_hub_raises_a_retryable_error():
    """No hub at the address raises ForestChatClientError without a status."""
    client = Client(f"http://127.0.0.1:{free_port()}")

    with pytest.raises(ForestChatClientError) as raised:
        client.messages()

    assert raised.value.status is None
    assert "connection refused" in raised.value.error
    assert raised.value.retryable


def test_wait_beyond_a_minute_is_refused_before_any_call():
    """A wait over 60 s raises at once, not retryable, whether or not a hub is there."""
    client = Client(f"http://127.0.0.1:{free_port()}")

    with pytest.raises(ForestChatClientError, match="from 0 to 60") as raised:
        client.read("cypress", wait=61)

    assert not raised.value.retryable


def test_token_goes_in_an_authorization_header():
    """A client made with a token sends it as Authorization: Bearer."""
    with FakeGateway() as server:
        client = Client(server.base_url, token="my-token")
        with pytest.raises(ForestChatClientError) as raised:
            client.send("bigc", "cypress", "hello")

    assert raised.value.status == 404
    assert server.received[0].headers["Authorization"] == "Bearer my-token"
