"""What ``forest-chat serve`` decides before gunicorn starts."""

import json

import pytest

from forest_chat.adapters.cli import main
from forest_chat.adapters.cli.serve import (
    IMPORTING,
    HubServer,
    import_legacy_history,
)
from forest_chat.adapters.settings import load_settings
from forest_chat.adapters.storage import TinyDBMessageStore

LEGACY = [
    {
        "id": 7,
        "from": "bigc",
        "to": "cypress",
        "message": "from the old hub",
        "timestamp": "2026-02-06T09:20:00.123456",
        "delivered_to": False,
    }
]


def stored_ids(settings):
    store = TinyDBMessageStore(settings.store_dir, durable=False)
    try:
        return [message.id for message in store.history()]
    finally:
        store.close()


def test_a_new_data_directory_gets_the_original_hubs_history(tmp_path, capsys):
    """messages.json in a data directory without a store is imported, file kept."""
    settings = load_settings(data_dir=tmp_path)
    legacy = tmp_path / "messages.json"
    legacy.write_text(json.dumps(LEGACY))

    started = import_legacy_history(settings)

    assert started is True
    assert stored_ids(settings) == [7]
    assert "Imported 1 messages" in capsys.readouterr().out
    assert json.loads(legacy.read_text()) == LEGACY


def test_a_data_directory_with_a_store_is_not_imported_into(tmp_path, capsys):
    """Once a store exists, messages.json beside it is left alone."""
    settings = load_settings(data_dir=tmp_path)
    TinyDBMessageStore(settings.store_dir, durable=False).close()
    (tmp_path / "messages.json").write_text(json.dumps(LEGACY))

    started = import_legacy_history(settings)

    assert started is True
    assert stored_ids(settings) == []
    assert capsys.readouterr().out == ""


def test_an_import_cut_short_is_finished_on_the_next_start(tmp_path, capsys):
    """A store left half-imported by a crash gets the rest of messages.json."""
    settings = load_settings(data_dir=tmp_path)
    (tmp_path / "messages.json").write_text(json.dumps(LEGACY))
    TinyDBMessageStore(settings.store_dir, durable=False).close()
    (tmp_path / IMPORTING).touch()

    started = import_legacy_history(settings)

    assert started is True
    assert stored_ids(settings) == [7]
    assert not (tmp_path / IMPORTING).exists()


def test_an_unreadable_messages_json_stops_serve(tmp_path, capsys):
    """A messages.json that is not a history stops start-up, saying which file."""
    settings = load_settings(data_dir=tmp_path)
    (tmp_path / "messages.json").write_text("{not json")

    started = import_legacy_history(settings)

    assert started is False
    assert "messages.json" in capsys.readouterr().err


def test_disabling_a_plugin_that_is_not_there_stops_serve(tmp_path, capsys):
    """serve names disabled_plugins and exits 2 before any worker starts."""
    config = tmp_path / "hub.toml"
    config.write_text('disabled_plugins = ["no-such-plugin"]\n')

    code = main(["serve", "--data-dir", str(tmp_path), "--config", str(config)])

    assert code == 2
    err = capsys.readouterr().err
    assert "'disabled_plugins'" in err and "no-such-plugin" in err


def test_serve_opens_no_gunicorn_control_socket(tmp_path):
    """Gunicorn's control socket, shared by every server of the user, stays off."""
    server = HubServer(load_settings(data_dir=tmp_path))
    if "control_socket_disable" not in server.cfg.settings:
        pytest.skip("this gunicorn has no control socket")

    assert server.cfg.control_socket_disable is True
