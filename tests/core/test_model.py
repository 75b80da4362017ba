"""Messages, attachments and webhooks, and how they map to the wire."""

import json

from hypothesis import given

from forest_chat.core import Attachment, Draft, Message, WakeOutcome, Webhook

from ..strategies import attachments, drafts, messages, wire_messages

WIRE_FIELDS = {
    "id",
    "from",
    "to",
    "message",
    "timestamp",
    "delivered_to",
    "attachments",
}


def a_message(**changes):
    fields = {
        "id": 7,
        "sender": "cypress",
        "to": "all",
        "text": "hi",
        "timestamp": "2026-02-06T09:20:00.123456+00:00",
        "delivered_to": {"redwood": False, "matthew": True},
    }
    return Message(**{**fields, **changes})


class TestMessageWire:
    @given(messages())
    def test_round_trip(self, message):
        """A message read back from its wire form equals the original."""
        wire = message.to_wire()

        assert Message.from_wire(wire) == message

    @given(messages())
    def test_round_trip_through_json(self, message):
        """A message survives being written as JSON and parsed back."""
        text = json.dumps(message.to_wire())

        assert Message.from_wire(json.loads(text)) == message

    @given(wire_messages())
    def test_wire_round_trip_keeps_the_dict(self, wire):
        """A complete wire dict comes back unchanged through a Message."""
        assert Message.from_wire(wire).to_wire() == wire

    @given(messages())
    def test_wire_names(self, message):
        """The wire form calls the sender 'from' and the text 'message'."""
        wire = message.to_wire()

        assert set(wire) == WIRE_FIELDS
        assert (wire["from"], wire["message"]) == (message.sender, message.text)

    def test_wire_attachments_are_a_list_of_dicts(self):
        """Attachments go on the wire as a JSON list of objects."""
        attachment = Attachment("a_1.txt", "a.txt", "/api/files/a_1.txt", 3)

        wire = a_message(attachments=(attachment,)).to_wire()

        assert wire["attachments"] == [
            {
                "filename": "a_1.txt",
                "original_name": "a.txt",
                "url": "/api/files/a_1.txt",
                "size": 3,
            }
        ]

    def test_to_wire_copies_delivered_to(self):
        """Changing the wire dict leaves the message's delivery state alone."""
        message = a_message()

        message.to_wire()["delivered_to"]["redwood"] = True

        assert message.delivered_to["redwood"] is False

    def test_from_wire_defaults(self):
        """Missing text and attachments read as empty."""
        wire = {"id": 1, "from": "bigc", "to": "cypress", "timestamp": "t"}

        message = Message.from_wire(wire)

        assert (message.text, message.attachments, message.delivered_to) == ("", (), {})


class TestMessageDelivery:
    @given(drafts())
    def test_from_draft_starts_undelivered(self, draft):
        """A numbered draft has every recipient at false and keeps its fields."""
        message = Message.from_draft(draft, 12)

        assert message.id == 12
        assert message.delivered_to == {name: False for name in draft.recipients}
        assert (message.sender, message.to, message.text) == (
            draft.sender,
            draft.to,
            draft.text,
        )
        assert message.attachments == draft.attachments

    def test_unread_by_an_undelivered_recipient(self):
        """A recipient who has not fetched the message has it unread."""
        assert a_message().is_unread_by("redwood")

    def test_not_unread_once_delivered(self):
        """A recipient marked delivered no longer has it unread."""
        assert not a_message().is_unread_by("matthew")

    def test_not_unread_by_a_stranger(self):
        """Someone who is not a recipient never has the message unread."""
        assert not a_message().is_unread_by("bigc")

    def test_never_unread_by_its_sender(self):
        """The sender never has their own message unread, even as a recipient."""
        message = a_message(delivered_to={"cypress": False})

        assert not message.is_unread_by("cypress")

    def test_delivered_returns_a_new_message(self):
        """Marking delivered returns a changed copy and leaves the original."""
        message = a_message()

        marked = message.delivered("redwood")

        assert marked.delivered_to == {"redwood": True, "matthew": True}
        assert message.delivered_to == {"redwood": False, "matthew": True}


class TestAttachment:
    @given(attachments())
    def test_round_trip(self, attachment):
        """An attachment read back from its wire form equals the original."""
        assert Attachment.from_wire(attachment.to_wire()) == attachment

    def test_from_wire_fills_the_optional_fields(self):
        """Only a file name is needed; the rest follows from it."""
        attachment = Attachment.from_wire({"filename": "log_9.txt"})

        assert attachment == Attachment(
            "log_9.txt", "log_9.txt", "/api/files/log_9.txt", 0
        )


class TestWebhook:
    def test_public_hides_the_token(self):
        """Clients see whether a token is set, never the token."""
        webhook = Webhook(url="http://127.0.0.1:1/hooks/wake", token="s3cret")

        public = webhook.public()

        assert public == {
            "url": "http://127.0.0.1:1/hooks/wake",
            "has_token": True,
            "strategy": None,
            "last_wake": None,
        }

    def test_repr_hides_the_token(self):
        """A webhook printed in a log or traceback does not show its token."""
        webhook = Webhook(url="http://127.0.0.1:1/", token="s3cret")

        assert "s3cret" not in repr(webhook)

    def test_record_round_trip(self):
        """A store's record of a webhook reads back as the same webhook."""
        outcome = WakeOutcome(
            ok=False,
            at="2026-01-01T00:00:00+00:00",
            attempts=3,
            status=503,
            error="unavailable",
        )
        webhook = Webhook("http://127.0.0.1:1/", "tok", "openclaw-wake", outcome)

        assert Webhook.from_record(webhook.to_record()) == webhook

    def test_configured_needs_a_url(self):
        """A webhook with a token but no url cannot wake anyone."""
        assert not Webhook(token="tok").configured
        assert Webhook(url="http://127.0.0.1:1/").configured

    def test_public_shows_the_last_wake(self):
        """The outcome of the last wake is shown in its wire form."""
        outcome = WakeOutcome(
            ok=True, at="2026-01-01T00:00:00+00:00", attempts=1, status=200
        )

        public = Webhook(url="http://127.0.0.1:1/", last_wake=outcome).public()

        assert public["last_wake"] == {
            "ok": True,
            "at": "2026-01-01T00:00:00+00:00",
            "attempts": 1,
            "status": 200,
            "error": None,
        }


def test_draft_defaults():
    """A draft has no attachments and is no copy unless told."""
    draft = Draft("cypress", "redwood", "hi", "t", ("redwood",))

    assert (draft.attachments, draft.copy_of) == ((), None)
