"""Attachments on messages, and uploads through the hub."""

import io

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from forest_chat.adapters.memory import MemoryStore
from forest_chat.core import Attachment, Hub, Roster
from forest_chat.core.errors import BadAttachment, InvalidInput, TooLarge

from ..strategies import attachments, bad_attachment_items
from .fakes import FakeFileStore

ATTACHMENT = {
    "filename": "config_a1b2c3d4.json",
    "original_name": "config.json",
    "url": "/api/files/config_a1b2c3d4.json",
    "size": 1024,
}


@pytest.fixture
def hub():
    return Hub(store=MemoryStore(), roster=Roster.default())


def send_with(hub, *attachments):
    return hub.send(
        sender="bigc", to="cypress", text="see file", attachments=attachments
    )


class TestAccepted:
    def test_wire_dict_becomes_an_attachment(self, hub):
        """An attachment as POST /api/upload gave it is stored as an Attachment."""
        message = send_with(hub, ATTACHMENT)

        assert message.attachments == (
            Attachment("config_a1b2c3d4.json", "config.json", ATTACHMENT["url"], 1024),
        )

    def test_attachment_object_is_accepted(self, hub):
        """An Attachment object is accepted as it is."""
        attachment = Attachment("a.txt", "notes.txt", "/api/files/a.txt", 5)

        message = send_with(hub, attachment)

        assert message.attachments == (attachment,)

    def test_attachment_alone_is_a_message(self, hub):
        """A message with an attachment and no text is accepted."""
        message = hub.send(
            sender="bigc", to="cypress", text="", attachments=[ATTACHMENT]
        )

        assert (message.text, len(message.attachments)) == ("", 1)

    def test_optional_fields_are_filled_in(self, hub):
        """Only the file name is needed; name, url and size follow from it."""
        message = send_with(hub, {"filename": "a.txt"})

        assert message.attachments == (
            Attachment("a.txt", "a.txt", "/api/files/a.txt", 0),
        )

    def test_a_tuple_is_a_list(self, hub):
        """Attachments may be given as any sequence, kept in order."""
        message = hub.send(
            sender="bigc",
            to="cypress",
            text="two",
            attachments=({"filename": "b.txt"}, {"filename": "a.txt"}),
        )

        assert [a.filename for a in message.attachments] == ["b.txt", "a.txt"]

    def test_none_means_no_attachments(self, hub):
        """Attachments None is taken as no attachments."""
        message = hub.send(sender="bigc", to="cypress", text="hi", attachments=None)

        assert message.attachments == ()

    def test_uploaded_file_is_accepted_with_a_file_store(self):
        """With a file store, an attachment naming a stored upload is accepted."""
        files = FakeFileStore("config_a1b2c3d4.json")
        hub = Hub(store=MemoryStore(), roster=Roster.default(), files=files)

        message = send_with(hub, ATTACHMENT)

        assert message.attachments[0].filename == "config_a1b2c3d4.json"


class TestRefused:
    @pytest.mark.parametrize("value", ["a.txt", b"a.txt", {"filename": "a.txt"}])
    def test_not_a_list(self, hub, value):
        """A string, bytes or single object in place of a list is refused."""
        with pytest.raises(BadAttachment, match="must be a list"):
            hub.send(sender="bigc", to="cypress", text="hi", attachments=value)

    @pytest.mark.parametrize("value", [5, 2.5, True])
    def test_not_a_collection(self, hub, value):
        """A number in place of a list is refused as a bad attachment."""
        with pytest.raises(BadAttachment, match="must be a list"):
            hub.send(sender="bigc", to="cypress", text="hi", attachments=value)

    @pytest.mark.parametrize("item", ["a.txt", 3, None, ["a.txt"]])
    def test_item_not_an_object(self, hub, item):
        """An item that is not an object is refused, naming its position."""
        with pytest.raises(BadAttachment, match=r"attachments\[1\] must be an object"):
            send_with(hub, ATTACHMENT, item)

    @pytest.mark.parametrize("filename", [None, "", 7])
    def test_missing_filename(self, hub, filename):
        """An attachment without a file name is refused."""
        item = {**ATTACHMENT, "filename": filename}

        with pytest.raises(BadAttachment, match=r"attachments\[0\] needs 'filename'"):
            send_with(hub, item)

    def test_absent_filename(self, hub):
        """An attachment with no filename key is refused."""
        item = {"original_name": "a.txt", "size": 3}

        with pytest.raises(BadAttachment, match="needs 'filename'"):
            send_with(hub, item)

    @pytest.mark.parametrize(
        "url",
        [
            "/api/files/other.json",
            "http://127.0.0.1:9/api/files/config_a1b2c3d4.json",
            "/files/config_a1b2c3d4.json",
            None,
        ],
    )
    def test_wrong_url(self, hub, url):
        """A url other than the hub's address for the file is refused, naming it."""
        item = {**ATTACHMENT, "url": url}

        with pytest.raises(BadAttachment, match="'/api/files/config_a1b2c3d4.json'"):
            send_with(hub, item)

    @pytest.mark.parametrize("size", [-1, 1.5, "10", True, None])
    def test_bad_size(self, hub, size):
        """A size that is not a whole number of bytes from 0 is refused."""
        item = {**ATTACHMENT, "size": size}

        with pytest.raises(BadAttachment, match="'size' must be a whole number"):
            send_with(hub, item)

    def test_original_name_not_a_string(self, hub):
        """An original name that is not a string is refused."""
        item = {**ATTACHMENT, "original_name": 3}

        with pytest.raises(BadAttachment, match="'original_name' must be a string"):
            send_with(hub, item)

    def test_too_many(self, hub):
        """More than 50 attachments on one message are refused."""
        items = [{"filename": f"f{i}.txt"} for i in range(51)]

        with pytest.raises(BadAttachment, match="at most 50"):
            send_with(hub, *items)

    def test_file_that_does_not_exist(self):
        """With a file store, an attachment naming no upload is refused."""
        files = FakeFileStore("other.json")
        hub = Hub(store=MemoryStore(), roster=Roster.default(), files=files)

        with pytest.raises(BadAttachment, match="no uploaded file is named"):
            send_with(hub, ATTACHMENT)

    def test_refused_attachment_stores_nothing(self, hub):
        """A send with one bad attachment among good ones stores nothing."""
        with pytest.raises(BadAttachment):
            send_with(hub, ATTACHMENT, {**ATTACHMENT, "size": -1})

        assert hub.history() == []


@given(
    st.lists(attachments(), max_size=3),
    bad_attachment_items(),
    st.integers(min_value=0, max_value=3),
)
def test_any_bad_item_refuses_the_whole_message(good, bad, position):
    """One bad item anywhere in the list refuses the message and stores nothing."""
    hub = Hub(store=MemoryStore(), roster=Roster.default())
    fault, item = bad
    note(f"fault: {fault}")
    items = [a.to_wire() for a in good]
    items.insert(min(position, len(items)), item)

    with pytest.raises(BadAttachment, match=r"attachments\[\d+\]"):
        hub.send(sender="bigc", to="cypress", text="hi", attachments=items)

    assert hub.history() == []


@given(st.lists(attachments(), max_size=5))
def test_good_attachments_are_kept_in_order(items):
    """Attachments given as wire dicts come back as the same Attachments, in order."""
    hub = Hub(store=MemoryStore(), roster=Roster.default())

    message = hub.send(
        sender="bigc", to="cypress", text="hi", attachments=[a.to_wire() for a in items]
    )

    assert message.attachments == tuple(items)


class TestUpload:
    def test_keeps_the_file(self):
        """An upload is kept by the file store and named by an Attachment."""
        files = FakeFileStore()
        hub = Hub(store=MemoryStore(), roster=Roster.default(), files=files)

        attachment = hub.upload(io.BytesIO(b"hello"), "notes.txt")

        assert attachment == Attachment(
            "upload_1", "notes.txt", "/api/files/upload_1", 5
        )
        assert files.files["upload_1"] == b"hello"

    def test_upload_can_be_attached(self):
        """The Attachment an upload returns is accepted on a message."""
        hub = Hub(store=MemoryStore(), roster=Roster.default(), files=FakeFileStore())
        attachment = hub.upload(io.BytesIO(b"hello"), "notes.txt")

        message = send_with(hub, attachment.to_wire())

        assert message.attachments == (attachment,)

    def test_passes_the_hubs_limit(self):
        """The hub's upload limit is what the file store enforces."""
        files = FakeFileStore()
        hub = Hub(
            store=MemoryStore(), roster=Roster.default(), files=files, max_upload=4
        )

        with pytest.raises(TooLarge):
            hub.upload(io.BytesIO(b"hello"), "notes.txt")

    def test_without_a_file_store(self, hub):
        """A hub with no file store refuses uploads."""
        with pytest.raises(InvalidInput, match="takes no uploads"):
            hub.upload(io.BytesIO(b"hello"), "notes.txt")

    @pytest.mark.parametrize("name", ["", "   ", None])
    def test_needs_a_file_name(self, name):
        """An upload without a file name is refused."""
        hub = Hub(store=MemoryStore(), roster=Roster.default(), files=FakeFileStore())

        with pytest.raises(InvalidInput, match="needs a file name"):
            hub.upload(io.BytesIO(b"hello"), name)
