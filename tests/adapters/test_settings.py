"""Settings come from a TOML file and are checked at start-up with clear messages."""

import pytest

from forest_chat.adapters.settings import SettingsError, load_settings
from forest_chat.core import Roster


def write(tmp_path, text):
    path = tmp_path / "hub.toml"
    path.write_text(text)
    return path


def test_defaults_without_a_file(tmp_path, monkeypatch):
    """With no file, the hub uses the original's roster, port and loopback."""
    monkeypatch.setenv("FOREST_CHAT_HOME", str(tmp_path / "home"))

    settings = load_settings()

    assert settings.roster == Roster.default()
    assert (settings.host, settings.port) == ("127.0.0.1", 5001)
    assert settings.data_dir == tmp_path / "home"
    assert settings.cors_origins == ("*",)
    assert settings.url == "http://127.0.0.1:5001"


def test_roster_and_limits_from_the_file(tmp_path):
    """Participants, operator and limits in the file replace the defaults."""
    path = write(
        tmp_path,
        'operator = "ana"\nmax_text_chars = 500\ncors_origins = ["http://a.test"]\n'
        'webhook_hosts = ["127.0.0.1", "gw.internal"]\n'
        '[participants]\nana = "human"\noak = "bot"\n',
    )

    settings = load_settings(path, data_dir=tmp_path)

    assert [(p.name, p.kind) for p in settings.roster] == [
        ("ana", "human"),
        ("oak", "bot"),
    ]
    assert settings.roster.operator == "ana"
    assert settings.max_text_chars == 500
    assert settings.cors_origins == ("http://a.test",)
    assert settings.webhook_hosts == ("127.0.0.1", "gw.internal")


def test_command_line_overrides_the_file(tmp_path):
    """A flag given on the command line wins over the file; None means not given."""
    path = write(tmp_path, "threads = 7\n")

    settings = load_settings(path, data_dir=tmp_path, threads=None, port=6000)

    assert (settings.threads, settings.port) == (7, 6000)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('colour = "green"\n', "unknown key 'colour'"),
        ('max_text_chars = "lots"\n', "'max_text_chars' must be a whole number"),
        ("max_text_chars = true\n", "'max_text_chars' must be a whole number"),
        ('durable = "yes"\n', "'durable' must be true or false"),
        ('cors_origins = "*"\n', "'cors_origins' must be a list"),
        ("cors_origins = [1]\n", "'cors_origins' must be a list of strings"),
        ("cors_origins = 5\n", "'cors_origins' must be a list of strings"),
        ("disabled_plugins = [true]\n", "'disabled_plugins' must be a list of strings"),
        ('public_url = "hub:5001"\n', "'public_url' must be an http:// or https://"),
        ('public_url = "http://hub:99999"\n', "'public_url' must be an http://"),
        ("threads = 0\n", "threads must be 1 or more"),
        ("max_body_bytes = 0\n", "'max_body_bytes' must be 1 or more"),
        ('operator = "nobody"\n', "operator 'nobody' is not a participant"),
        ('[participants]\nAna = "human"\n', "lowercase identifier"),
        ('[participants]\nall = "bot"\n', "'all'"),
        ('[participants]\noak = "tree"\n', 'participants.oak must be "bot" or "human"'),
        ("this is not toml", "not valid TOML"),
    ],
)
def test_bad_files_name_the_problem(tmp_path, text, says):
    """Each mistake in the file stops start-up with a message naming the key."""
    path = write(tmp_path, text)

    with pytest.raises(SettingsError) as raised:
        load_settings(path, data_dir=tmp_path)

    assert says in str(raised.value)


def test_missing_file_is_reported(tmp_path):
    """A config path that does not exist is an error, not silently ignored."""
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", data_dir=tmp_path)


def test_public_url_for_all_interfaces(tmp_path):
    """On 0.0.0.0 bots are told the loopback address unless public_url is set."""
    assert (
        load_settings(data_dir=tmp_path, host="0.0.0.0").url == "http://127.0.0.1:5001"
    )
    assert (
        load_settings(data_dir=tmp_path, public_url="http://hub.test:80/").url
        == "http://hub.test:80"
    )
