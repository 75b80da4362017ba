"""``forest-chat import``: bring over the history of the original hub."""

import sys
from pathlib import Path

from ..legacy import LegacyFileError, import_legacy
from ..settings import SettingsError, load_settings
from ..storage import TinyDBMessageStore


def register(subcommands):
    parser = subcommands.add_parser(
        "import",
        help="import a messages.json written by the original Flask hub",
        description="Import the original hub's messages.json, keeping ids. "
        "Running it again adds nothing twice.",
    )
    parser.add_argument("path", type=Path, help="the messages.json to import")
    parser.add_argument("--data-dir", type=Path, help="the hub's data directory")
    parser.add_argument("--config", type=Path, help="a TOML settings file")
    parser.set_defaults(run=run)


def run(args):
    try:
        settings = load_settings(args.config, data_dir=args.data_dir)
    except SettingsError as error:
        print(f"forest-chat import: {error}", file=sys.stderr)
        return 2

    store = TinyDBMessageStore(settings.store_dir, durable=settings.durable)
    try:
        added, history = import_legacy(args.path, store, settings.roster)
    except LegacyFileError as error:
        print(f"forest-chat import: {error}", file=sys.stderr)
        return 1
    finally:
        store.close()

    print(report(args.path, added, history, settings.store_dir))
    return 0


def report(path, added, history, where):
    """Return what an import did, in a few readable lines."""
    known = len(history.messages) - added
    lines = [
        f"Imported {path} into {where}:",
        f"  {added} messages added, {known} already there, "
        f"{len(history.skipped)} skipped",
    ]
    lines += [f"  skipped {reason}" for reason in history.skipped[:20]]
    if len(history.skipped) > 20:
        lines.append(f"  ... and {len(history.skipped) - 20} more skipped")
    return "\n".join(lines)
