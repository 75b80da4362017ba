"""The hub's settings: declared once as data, read from TOML, checked at start-up."""

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from forest_chat.core import Participant, Roster
from forest_chat.core.errors import RosterError

DEFAULT_PORT = 5001
MiB = 1024 * 1024


class SettingsError(ValueError):
    """A setting that cannot be used; the message names it and says why."""


@dataclass(frozen=True)
class Option:
    """One key of the configuration file."""

    key: str
    kind: type
    default: object
    help: str


OPTIONS = [
    Option("operator", str, "matthew", "who receives CC copies of bot-to-bot talk"),
    Option("participants", dict, None, "name = \"bot\" or \"human\", one per line"),
    Option("cors_origins", list, ["*"], "origins allowed to call the API from a page"),
    Option("public_url", str, "", "the hub's address as bots should call it"),
    Option("disabled_plugins", list, [], "names of plugins not to load"),
    Option(
        "webhook_hosts", list, [], "the only hosts webhook urls may name (empty: any)"
    ),
    Option("durable", bool, True, "fsync every write (turn off only to benchmark)"),
    Option("threads", int, 100, "request threads per worker (long-polls hold one)"),
    Option("max_body_bytes", int, MiB, "largest JSON body accepted"),
    Option("max_text_chars", int, 100_000, "longest message text accepted"),
    Option("max_upload_bytes", int, 25 * MiB, "largest upload accepted"),
]

_BY_KEY = {option.key: option for option in OPTIONS}
_KIND_NAMES = {
    str: "a string",
    int: "a whole number",
    bool: "true or false",
    list: "a list of strings",
    dict: "a table",
}


@dataclass(frozen=True)
class Settings:
    """Everything the composition root needs to build a hub."""

    data_dir: Path
    roster: Roster = field(default_factory=Roster.default)
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    workers: int = 2
    threads: int = 100
    cors_origins: tuple = ("*",)
    public_url: str = ""
    disabled_plugins: tuple = ()
    webhook_hosts: tuple = ()
    durable: bool = True
    max_body_bytes: int = MiB
    max_text_chars: int = 100_000
    max_upload_bytes: int = 25 * MiB

    @property
    def store_dir(self):
        return self.data_dir / "db"

    @property
    def uploads_dir(self):
        return self.data_dir / "uploads"

    @property
    def url(self):
        """Return the address the hub is served at, as bots should call it."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"


def default_data_dir():
    """Return FOREST_CHAT_HOME, or ~/.forest-chat."""
    home = os.environ.get("FOREST_CHAT_HOME")
    return Path(home).expanduser() if home else Path.home() / ".forest-chat"


def load_settings(config=None, **overrides):
    """Return Settings from an optional TOML file, then keyword overrides.

    Overrides that are None are ignored, so command-line flags can be passed
    as they come.
    """
    values = _read_file(Path(config)) if config else {}
    values.update({k: v for k, v in overrides.items() if v is not None})
    values.setdefault("data_dir", default_data_dir())
    values["data_dir"] = Path(values["data_dir"]).expanduser()

    settings = Settings(**values)
    _check(settings, f"{config}: " if config else "")
    return settings


def _read_file(path):
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except FileNotFoundError:
        raise SettingsError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"config file {path} is not valid TOML: {error}") from None

    unknown = sorted(set(raw) - set(_BY_KEY))
    if unknown:
        raise SettingsError(
            f"{path}: unknown key {unknown[0]!r}; known keys are: "
            f"{', '.join(sorted(_BY_KEY))}"
        )
    for key, value in raw.items():
        option = _BY_KEY[key]
        wrong_type = not isinstance(value, option.kind)
        if option.kind is int and isinstance(value, bool):
            wrong_type = True
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            wrong_type = True
        if wrong_type:
            raise SettingsError(
                f"{path}: {key!r} must be {_KIND_NAMES[option.kind]} ({option.help})"
            )

    values = {
        key: tuple(value) if isinstance(value, list) else value
        for key, value in raw.items()
        if key not in ("operator", "participants")
    }
    if "participants" in raw or "operator" in raw:
        values["roster"] = _roster(path, raw)
    return values


def _roster(path, raw):
    default = Roster.default()
    people = raw.get("participants")
    if people is None:
        participants = list(default)
    else:
        participants = []
        for name, kind in people.items():
            if kind not in ("bot", "human"):
                raise SettingsError(
                    f"{path}: participants.{name} must be \"bot\" or \"human\", "
                    f"not {kind!r}"
                )
            participants.append(Participant(name, kind))
    try:
        return Roster(participants, operator=raw.get("operator", default.operator))
    except RosterError as error:
        raise SettingsError(f"{path}: {error}") from None


def _check(settings, where=""):
    """Refuse values no hub can run with; where says which file they came from."""
    for key in ("max_body_bytes", "max_text_chars", "max_upload_bytes"):
        if getattr(settings, key) < 1:
            raise SettingsError(f"{where}{key!r} must be 1 or more")
    if not 1 <= settings.port <= 65535:
        raise SettingsError(f"port must be between 1 and 65535, not {settings.port}")
    if settings.workers < 1:
        raise SettingsError(f"workers must be 1 or more, not {settings.workers}")
    if settings.threads < 1:
        raise SettingsError(f"threads must be 1 or more, not {settings.threads}")
    for origin in settings.cors_origins:
        if not isinstance(origin, str):
            raise SettingsError(f"{where}'cors_origins' must be a list of strings")
    if settings.public_url and not _is_web_address(settings.public_url):
        raise SettingsError(
            f"{where}'public_url' must be an http:// or https:// address, "
            f"not {settings.public_url!r}"
        )


def _is_web_address(url):
    try:
        parts = urlsplit(url)
        parts.port  # reading the port is what checks it
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def with_overrides(settings, **changes):
    """Return settings with some fields changed, checked again."""
    updated = replace(settings, **changes)
    _check(updated)
    return updated
