"""The original hub's messages.json comes over with ids and delivery intact."""

import json

import pytest

from forest_chat.adapters.cli import main
from forest_chat.adapters.legacy import LegacyFileError, import_legacy, read_legacy
from forest_chat.adapters.memory import MemoryStore
from forest_chat.core import Hub, Roster

ORIGINAL = [
    {
        "id": 1,
        "from": "bigc",
        "to": "cypress",
        "message": "run diagnostics",
        "timestamp": "2026-02-06T09:20:00.123456",
        "delivered_to": {"cypress": True},
        "attachments": [],
    },
    {
        "id": 2,
        "from": "cypress",
        "to": "redwood",
        "message": "hello",
        "timestamp": "2026-02-06T09:21:00.000001",
        "delivered_to": {},
    },
    {
        "id": 3,
        "from": "cypress",
        "to": "matthew",
        "message": "[CC:redwood] hello",
        "timestamp": "2026-02-06T09:21:00.000002",
        "delivered_to": {},
    },
    {
        "id": 4,
        "from": "ghost",
        "to": "all",
        "message": "old name",
        "timestamp": "2026-02-06T09:22:00",
        "delivered_to": True,
    },
    {
        "id": 5,
        "from": "bigc",
        "to": "cypress",
        "message": "",
        "timestamp": "2026-02-06T09:23:00",
        "attachments": [
            {
                "filename": "a_12345678.txt",
                "original_name": "a.txt",
                "url": "/api/files/a_12345678.txt",
                "size": 3,
            }
        ],
    },
]


@pytest.fixture
def legacy(tmp_path):
    path = tmp_path / "messages.json"
    path.write_text(json.dumps(ORIGINAL))
    return path


def test_import_keeps_ids_text_and_attachments(legacy):
    """Every message keeps its id, names, text, timestamp and attachments."""
    store = MemoryStore()

    added, _ = import_legacy(legacy, store, Roster.default())

    history = store.history()
    assert added == 5
    assert [m.to_wire()["id"] for m in history] == [1, 2, 3, 4, 5]
    assert history[3].sender == "ghost"
    assert history[4].attachments[0].filename == "a_12345678.txt"
    assert history[0].timestamp == "2026-02-06T09:20:00.123456"


def test_readers_get_what_the_original_would_have_given(legacy):
    """After import each reader's unread is what the original hub would give."""
    store = MemoryStore()
    import_legacy(legacy, store, Roster.default())
    hub = Hub(store, Roster.default())

    unread = {name: [m.id for m in hub.read(name)] for name in Roster.default().names}

    assert unread == {
        "cypress": [4, 5],
        "redwood": [2, 4],
        "matthew": [3, 4],
        "bigc": [4],
    }


def test_import_twice_adds_nothing(legacy):
    """Running the import again adds no message twice, and sends continue the ids."""
    store = MemoryStore()
    import_legacy(legacy, store, Roster.default())

    added, _ = import_legacy(legacy, store, Roster.default())
    new = Hub(store, Roster.default()).send("bigc", "cypress", "after")

    assert added == 0
    assert new.id == 6


def test_unreadable_entries_are_skipped_and_listed(tmp_path):
    """Entries without an id, with a repeated id or without names are reported."""
    path = tmp_path / "messages.json"
    path.write_text(
        json.dumps(
            [
                {
                    "id": 1,
                    "from": "bigc",
                    "to": "cypress",
                    "message": "ok",
                    "timestamp": "t",
                },
                {
                    "id": 1,
                    "from": "bigc",
                    "to": "cypress",
                    "message": "dup",
                    "timestamp": "t",
                },
                {"from": "bigc", "to": "cypress"},
                {"id": 2, "to": "cypress"},
                "text",
            ]
        )
    )

    history = read_legacy(path, Roster.default())

    assert [m.text for m in history.messages] == ["ok"]
    assert len(history.skipped) == 4
    assert "already used" in history.skipped[0]


@pytest.mark.parametrize("content", ["{not json", '{"messages": []}'])
def test_files_that_are_not_a_history_are_refused(tmp_path, content):
    """A file that is not a JSON list of messages raises a clear error."""
    path = tmp_path / "messages.json"
    path.write_text(content)

    with pytest.raises(LegacyFileError):
        read_legacy(path, Roster.default())


def test_import_command_reports_what_it_did(legacy, tmp_path, capsys):
    """forest-chat import prints how many messages it added, kept and skipped."""
    code = main(["import", str(legacy), "--data-dir", str(tmp_path / "data")])
    again = main(["import", str(legacy), "--data-dir", str(tmp_path / "data")])

    out = capsys.readouterr().out
    assert (code, again) == (0, 0)
    assert "5 messages added, 0 already there, 0 skipped" in out
    assert "0 messages added, 5 already there, 0 skipped" in out


def test_import_command_refuses_a_missing_file(tmp_path, capsys):
    """A missing file is one line on stderr and exit code 1."""
    code = main(["import", str(tmp_path / "nope.json"), "--data-dir", str(tmp_path)])

    assert code == 1
    assert "does not exist" in capsys.readouterr().err
