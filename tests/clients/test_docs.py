"""docs/clients.md covers every client call and every command."""

import argparse
from pathlib import Path

from forest_chat.adapters.cli import bridge, client_cmds
from forest_chat.client import Client

DOCS = Path(__file__).resolve().parents[2] / "docs" / "clients.md"


def public_calls():
    return [
        name
        for name, value in vars(Client).items()
        if callable(value) and not name.startswith("_") and name != "close"
    ]


def commands():
    parser = argparse.ArgumentParser()
    subcommands = parser.add_subparsers()
    client_cmds.register(subcommands)
    bridge.register(subcommands)
    return list(subcommands.choices)


def test_every_client_call_is_documented():
    """Each public method of Client appears in the docs as a call."""
    text = DOCS.read_text()

    missing = [name for name in public_calls() if f"{name}(" not in text]

    assert len(public_calls()) >= 10
    assert missing == []


def test_every_command_is_documented():
    """Each client command and the bridge appear in the docs as forest-chat ...."""
    text = DOCS.read_text()

    missing = [name for name in commands() if f"forest-chat {name}" not in text]

    assert sorted(commands()) == [
        "bridge",
        "participants",
        "read",
        "send",
        "tail",
        "upload",
        "webhook",
    ]
    assert missing == []
