"""Client commands: send, read, tail, upload, webhook and participants.

Each talks to the hub through ``forest_chat.client``. A refusal (the hub's
or a file's) is one line on stderr and exit status 1; a usage error is exit
status 2.
"""

import argparse
import json
import os
import signal
import sys
from datetime import datetime
from pathlib import Path

from forest_chat.client import DEFAULT_URL, Client, ForestChatClientError

URL_ENV = "FOREST_CHAT_URL"
TOKEN_ENV = "FOREST_CHAT_TOKEN"
MAX_WAIT = 60

# Control characters other than newline and tab could move the cursor or
# recolour the terminal of whoever reads the conversation.
_UNPRINTABLE = {
    code: "\N{REPLACEMENT CHARACTER}"
    for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)]
    if chr(code) not in "\n\t"
}


def register(subcommands):
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--url",
        help=f"the hub's address (default ${URL_ENV} or {DEFAULT_URL})",
    )
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="print JSON")

    send = subcommands.add_parser(
        "send",
        parents=[common],
        help="send a message",
        description="Send a message, with files attached if you like.",
    )
    send.add_argument("--from", dest="sender", required=True, metavar="NAME")
    send.add_argument("--to", required=True, metavar="NAME", help="a name, or all")
    send.add_argument("text", nargs="?", default="", help="the text; - reads stdin")
    send.add_argument(
        "--attach",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="upload FILE and attach it (repeat for more)",
    )
    send.set_defaults(run=_command(run_send, "send"))

    read = subcommands.add_parser(
        "read",
        parents=[common, as_json],
        help="read someone's unread messages",
        description="Print NAME's unread messages and mark them read.",
    )
    read.add_argument("--for", dest="reader", required=True, metavar="NAME")
    read.add_argument("--peek", action="store_true", help="leave the messages unread")
    read.add_argument(
        "--wait",
        type=_seconds,
        metavar="N",
        help=f"when nothing is unread, wait up to N seconds (at most {MAX_WAIT})",
    )
    read.set_defaults(run=_command(run_read, "read"))

    tail = subcommands.add_parser(
        "tail",
        parents=[common, as_json],
        help="follow the conversation live",
        description="Print the last messages, then each new one as it is sent, "
        "until Ctrl-C. With --json, one JSON object per line.",
    )
    tail.add_argument(
        "-n",
        "--lines",
        type=_count,
        default=10,
        metavar="N",
        help="how many earlier messages to show first (default 10)",
    )
    tail.set_defaults(run=_command(run_tail, "tail"))

    upload = subcommands.add_parser(
        "upload",
        parents=[common, as_json],
        help="upload a file",
        description="Upload FILE and print where the hub keeps it.",
    )
    upload.add_argument("file", type=Path, metavar="FILE")
    upload.set_defaults(run=_command(run_upload, "upload"))

    webhook = subcommands.add_parser(
        "webhook",
        help="show or change how bots are woken",
        description="Show or change the webhooks the hub wakes bots through.",
    )
    actions = webhook.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    listing = actions.add_parser(
        "list", parents=[common, as_json], help="show every bot's webhook"
    )
    listing.set_defaults(run=_command(run_webhook_list, "webhook list"))
    setting = actions.add_parser(
        "set",
        parents=[common],
        help="change a bot's webhook",
        description='Set bot NAME\'s webhook to URL ("" removes it).',
    )
    setting.add_argument("name", metavar="NAME")
    setting.add_argument("webhook_url", metavar="URL")
    setting.add_argument("--token", help="the token the hub sends in a header")
    setting.add_argument(
        "--strategy",
        help="how to wake, e.g. openclaw-wake or openclaw-agent "
        "(default: by the URL's last path segment)",
    )
    setting.set_defaults(run=_command(run_webhook_set, "webhook set"))

    participants = subcommands.add_parser(
        "participants",
        parents=[common, as_json],
        help="list who is on the hub",
        description="List the hub's participants and the operator.",
    )
    participants.set_defaults(run=_command(run_participants, "participants"))


def run_send(client, args):
    text = sys.stdin.read() if args.text == "-" else args.text
    attachments = [client.upload(path) for path in args.attach]

    message = client.send(args.sender, args.to, text, attachments)

    print(f"sent message {message.id} from {message.sender} to {message.to}")


def run_read(client, args):
    found = client.read(args.reader, mark=not args.peek, wait=args.wait)

    if args.json:
        print(json.dumps([message.to_wire() for message in found], indent=2))
        return
    for message in found:
        print(show(message, client.base_url))


def run_tail(client, args):
    # Ctrl-C ends tail even where the shell that started it ignores SIGINT.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    earlier = client.messages(limit=args.lines) if args.lines else []
    for message in earlier:
        _print_live(message, client.base_url, args.json)

    since = earlier[-1].id if earlier else (0 if args.lines else None)
    try:
        for message in client.follow(since):
            _print_live(message, client.base_url, args.json)
    except KeyboardInterrupt:
        return 0


def run_upload(client, args):
    attachment = client.upload(args.file)

    if args.json:
        print(json.dumps(attachment.to_wire(), indent=2))
        return
    print(
        _printable(
            f"uploaded {attachment.original_name} as {attachment.filename} "
            f"({attachment.size:,} bytes): {client.base_url}{attachment.url}"
        )
    )


def run_webhook_list(client, args):
    webhooks = client.webhooks()

    if args.json:
        print(json.dumps({name: _webhook_wire(w) for name, w in webhooks.items()}))
        return
    width = max((len(name) for name in webhooks), default=0)
    for name, webhook in webhooks.items():
        print(_printable(f"{name:<{width}}  {_describe_webhook(webhook)}"))


def run_webhook_set(client, args):
    client.set_webhook(
        args.name, url=args.webhook_url, token=args.token, strategy=args.strategy
    )

    where = args.webhook_url or "nothing (no webhook)"
    print(_printable(f"webhook of {args.name} set to {where}"))


def run_participants(client, args):
    roster = client.participants()

    if args.json:
        people = [{"name": p.name, "kind": p.kind} for p in roster]
        print(json.dumps({"participants": people, "operator": roster.operator}))
        return
    width = max((len(p.name) for p in roster), default=0)
    for participant in roster:
        role = "  (operator)" if participant.name == roster.operator else ""
        print(f"{participant.name:<{width}}  {participant.kind}{role}")


def show(message, base_url=""):
    """Return message as a few readable lines for a terminal."""
    header = (
        f"[{_when(message.timestamp)}] #{message.id} "
        f"{_printable(message.sender)} -> {_printable(message.to)}"
    )
    lines = _printable(message.text).splitlines() or [""]
    shown = [f"{header}: {lines[0]}", *(f"    {line}" for line in lines[1:])]
    for attachment in message.attachments:
        shown.append(
            f"    attached: {_printable(attachment.original_name)} "
            f"({attachment.size:,} bytes) {base_url}{_printable(attachment.url)}"
        )
    return "\n".join(shown)


def _command(action, name):
    """Return run(args): action(client, args), with failures as exit statuses."""

    def run(args):
        _tolerate_any_text(sys.stdout)
        url = args.url or os.environ.get(URL_ENV) or DEFAULT_URL
        with Client(url, token=os.environ.get(TOKEN_ENV) or None) as client:
            try:
                return action(client, args) or 0
            except ForestChatClientError as error:
                print(f"forest-chat {name}: {error}", file=sys.stderr)
                return 1
            except KeyboardInterrupt:
                return 130
            except BrokenPipeError:
                # The reader went away (`| head`); say nothing more to it.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return 0

    return run


def _print_live(message, base_url, as_json):
    text = json.dumps(message.to_wire()) if as_json else show(message, base_url)
    print(text, flush=True)


def _webhook_wire(webhook):
    return {
        "url": webhook.url,
        "has_token": webhook.has_token,
        "strategy": webhook.strategy,
        "last_wake": webhook.last_wake.to_wire() if webhook.last_wake else None,
    }


def _describe_webhook(webhook):
    if not webhook.url:
        return "(no webhook)"
    token = "token set" if webhook.has_token else "no token"
    strategy = webhook.strategy or "strategy by url"
    parts = [webhook.url, token, strategy]
    last = webhook.last_wake
    if last is not None:
        outcome = "ok" if last.ok else f"failed ({last.error})"
        status = f" HTTP {last.status}" if last.status else ""
        parts.append(
            f"last wake {outcome}{status} at {last.at}, {last.attempts} attempt(s)"
        )
    return "  ".join(parts)


def _when(timestamp):
    try:
        moment = datetime.fromisoformat(timestamp)
    except (TypeError, ValueError):
        return _printable(str(timestamp))
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _printable(text):
    return text.translate(_UNPRINTABLE)


def _tolerate_any_text(stream):
    # A terminal or pipe that cannot encode some character should show a
    # replacement, not stop the command with a traceback.
    if hasattr(stream, "reconfigure"):
        stream.reconfigure(errors="replace")


def _seconds(text):
    if not text.isascii() or not text.isdigit() or int(text) > MAX_WAIT:
        raise argparse.ArgumentTypeError(
            f"must be whole seconds from 0 to {MAX_WAIT}, not {text!r}"
        )
    return int(text)


def _count(text):
    if not text.isascii() or not text.isdigit():
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}")
    return int(text)
