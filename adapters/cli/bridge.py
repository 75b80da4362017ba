"""``forest-chat bridge``: wake a bot's local OpenClaw gateway from the hub.

For a bot whose gateway the hub cannot reach (behind NAT, on a laptop): the
bridge runs next to the gateway, long-polls the hub for the bot's messages and
wakes the gateway once per message, with the same plugins and sender (retries
with backoff) the hub uses for webhooks. It leaves the messages unread, so the
woken agent reads them itself, as it would after a wake from the hub.
"""

import argparse
import logging
import os
import queue
import signal
import sys
from urllib.parse import urlsplit

from forest_chat.client import DEFAULT_URL, Client, ForestChatClientError
from forest_chat.core import BOT, Participant, Webhook
from forest_chat.core.model import loggable_url
from forest_chat.plugins import known_strategies, make_plugin_manager, strategy_for

from ..wake import HTTPWaker
from .client_cmds import MAX_WAIT, TOKEN_ENV, URL_ENV

log = logging.getLogger(__name__)

OPENCLAW_TOKEN_ENV = "OPENCLAW_HOOKS_TOKEN"
LISTEN_WAIT = 30


def register(subcommands):
    parser = subcommands.add_parser(
        "bridge",
        help="wake a bot's local OpenClaw gateway for each of its messages",
        description="Long-poll the hub for bot NAME and wake its OpenClaw gateway "
        "once per message, retrying failed wakes. Stops cleanly on Ctrl-C or "
        "SIGTERM. Leave the bot's webhook on the hub empty, or it is woken twice.",
    )
    parser.add_argument("--for", dest="bot", required=True, metavar="NAME")
    parser.add_argument(
        "--openclaw-url",
        required=True,
        metavar="URL",
        help="the gateway's hook, e.g. http://127.0.0.1:18789/hooks/wake",
    )
    parser.add_argument(
        "--token",
        help=f"the gateway's hooks token (default ${OPENCLAW_TOKEN_ENV}, "
        "which keeps it out of the process list)",
    )
    parser.add_argument(
        "--strategy",
        help="openclaw-wake or openclaw-agent (default: by the URL's last "
        "path segment, wake or agent)",
    )
    parser.add_argument(
        "--url", help=f"the hub's address (default ${URL_ENV} or {DEFAULT_URL})"
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=3,
        metavar="N",
        help="retries of a failed wake (default 3)",
    )
    parser.add_argument(
        "--wait",
        type=_poll_seconds,
        default=LISTEN_WAIT,
        metavar="SECONDS",
        help=f"seconds each long-poll of the hub lasts (default {LISTEN_WAIT})",
    )
    parser.set_defaults(run=run)


def run(args):
    token = args.token or os.environ.get(OPENCLAW_TOKEN_ENV)
    hub_url = args.url or os.environ.get(URL_ENV) or DEFAULT_URL
    pm = make_plugin_manager(public_url=hub_url)
    problem = _check(args, token, known_strategies(pm))
    if problem:
        print(f"forest-chat bridge: {problem}", file=sys.stderr)
        return 2

    participant = Participant(args.bot, BOT)
    webhook = Webhook(url=args.openclaw_url, token=token, strategy=args.strategy or "")
    outcomes = queue.SimpleQueue()
    waker = HTTPWaker(
        pm,
        on_outcome=lambda name, outcome: outcomes.put(outcome),
        retries=args.retries,
        max_workers=1,
    )
    client = Client(hub_url, token=os.environ.get(TOKEN_ENV) or None)
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    log.info(
        "bridge for %s: from %s to %s (%s)",
        args.bot,
        hub_url,
        loggable_url(args.openclaw_url),
        strategy_for(webhook),
    )

    try:
        for message in client.listen(args.bot, mark=False, wait=args.wait):
            waker.wake(participant, message, webhook)
            _report(args.bot, message, outcomes.get())
    except KeyboardInterrupt:
        log.info("bridge for %s stopping", args.bot)
    except ForestChatClientError as error:
        print(f"forest-chat bridge: {error}", file=sys.stderr)
        return 1
    finally:
        # A second Ctrl-C must not cut short the wake being finished.
        interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        waker.close()
        client.close()
        signal.signal(signal.SIGINT, interrupt)
        signal.signal(signal.SIGTERM, previous)

    log.info("bridge for %s stopped", args.bot)
    return 0


def _check(args, token, strategies):
    if not token:
        return f"the gateway's token is needed: --token or ${OPENCLAW_TOKEN_ENV}"
    try:
        parts = urlsplit(args.openclaw_url)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        usable = False
    if not usable:
        return (
            "--openclaw-url must be an http:// or https:// address, "
            f"not {args.openclaw_url!r}"
        )
    if "token=" in parts.query:
        return "put the gateway's token in --token, not in the URL"
    if args.strategy and args.strategy not in strategies:
        return (
            f"unknown strategy {args.strategy!r}; known strategies are: "
            f"{', '.join(strategies)}"
        )
    if args.retries < 0:
        return "--retries must be 0 or more"
    return None


def _report(bot, message, outcome):
    if outcome.ok:
        log.info(
            "message %d from %s: woke %s (HTTP %s, %d attempt(s))",
            message.id,
            message.sender,
            bot,
            outcome.status,
            outcome.attempts,
        )
    else:
        log.warning(
            "message %d from %s: could not wake %s after %d attempt(s): %s",
            message.id,
            message.sender,
            bot,
            outcome.attempts,
            outcome.error,
        )


def _poll_seconds(text):
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_WAIT:
        raise argparse.ArgumentTypeError(
            f"must be whole seconds from 1 to {MAX_WAIT}, not {text!r}"
        )
    return int(text)
