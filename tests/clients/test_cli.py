"""The client commands of forest-chat against a running hub."""

import json
import signal

from forest_chat.client import Client
from tests.servers import free_port


def test_send_prints_the_stored_message(forest_chat, client):
    """send stores the message and says which id it got."""
    ran = forest_chat("send", "--from", "bigc", "--to", "cypress", "hello there")

    newest = client.messages(limit=1)[0]
    assert ran.code == 0
    assert ran.out == f"sent message {newest.id} from bigc to cypress\n"
    assert newest.text == "hello there"


def test_send_reads_the_text_from_stdin_for_a_dash(forest_chat, client):
    """send with text - takes the message from standard input."""
    ran = forest_chat(
        "send", "--from", "bigc", "--to", "all", "-", stdin="line 1\nline 2"
    )

    assert ran.code == 0
    assert client.messages(limit=1)[0].text == "line 1\nline 2"


def test_send_attaches_files(forest_chat, client, tmp_path):
    """send --attach uploads each file and attaches it to the message."""
    first = tmp_path / "a.txt"
    first.write_text("A")
    second = tmp_path / "b.csv"
    second.write_text("1,2")

    ran = forest_chat(
        "send",
        "--from",
        "bigc",
        "--to",
        "redwood",
        "files",
        "--attach",
        str(first),
        "--attach",
        str(second),
    )

    attached = client.messages(limit=1)[0].attachments
    assert ran.code == 0
    assert [a.original_name for a in attached] == ["a.txt", "b.csv"]


def test_refusal_is_one_line_on_stderr_and_exit_1(forest_chat):
    """A message the hub refuses prints its reason on one line and exits 1."""
    ran = forest_chat("send", "--from", "bigc", "--to", "nobody", "hello?")

    assert ran.code == 1
    assert ran.out == ""
    assert ran.err.startswith("forest-chat send: unknown recipient 'nobody'")
    assert ran.err.count("\n") == 1


def test_missing_argument_is_a_usage_error(forest_chat):
    """send without --to exits 2 with argparse's usage message."""
    ran = forest_chat("send", "--from", "bigc", "hello")

    assert ran.code == 2
    assert "--to" in ran.err


def test_unreachable_hub_is_one_line_and_exit_1(forest_chat):
    """With no hub at --url, the command says so in one line and exits 1."""
    url = f"http://127.0.0.1:{free_port()}"

    ran = forest_chat("participants", "--url", url)

    assert ran.code == 1
    assert ran.err == (
        f"forest-chat participants: cannot reach the hub at {url}: "
        "connection refused\n"
    )


def test_url_comes_from_the_environment(forest_chat, hub, monkeypatch):
    """Without --url the command uses FOREST_CHAT_URL; --url wins over it."""
    monkeypatch.setenv("FOREST_CHAT_URL", f"http://127.0.0.1:{free_port()}")

    from_environment = forest_chat("participants")
    from_flag = forest_chat("participants", "--url", hub.url)

    assert from_environment.code == 1
    assert from_flag.code == 0


def test_read_prints_each_message_readably(forest_chat, client):
    """read prints id, time, sender, addressee and text, and marks them read."""
    client.read("cypress")
    sent = client.send("bigc", "cypress", "first line\nsecond line")

    ran = forest_chat("read", "--for", "cypress")

    assert ran.code == 0
    header, continued = ran.out.splitlines()
    assert header.startswith("[")
    assert header.endswith(f"] #{sent.id} bigc -> cypress: first line")
    assert continued == "    second line"
    assert client.read("cypress") == []


def test_read_json_prints_the_api_shape(forest_chat, client):
    """read --json prints the messages exactly as the API gives them."""
    client.read("cypress")
    sent = client.send("bigc", "cypress", "as json")

    ran = forest_chat("read", "--for", "cypress", "--json")

    assert json.loads(ran.out) == [sent.delivered("cypress").to_wire()]


def test_read_peek_leaves_messages_unread(forest_chat, client):
    """read --peek prints the messages and leaves them unread."""
    client.read("cypress")
    sent = client.send("bigc", "cypress", "peek at me")

    ran = forest_chat("read", "--for", "cypress", "--peek")

    assert "peek at me" in ran.out
    assert [m.id for m in client.read("cypress")] == [sent.id]


def test_read_wait_beyond_a_minute_is_a_usage_error(forest_chat):
    """read --wait 61 exits 2 naming the limit."""
    ran = forest_chat("read", "--for", "cypress", "--wait", "61")

    assert ran.code == 2
    assert "from 0 to 60" in ran.err


def test_read_for_an_unknown_name_is_refused(forest_chat):
    """read --for a name not on the roster exits 1 with the hub's reason."""
    ran = forest_chat("read", "--for", "nobody")

    assert ran.code == 1
    assert ran.err.startswith("forest-chat read: unknown reader 'nobody'")


def test_control_characters_never_reach_the_terminal(forest_chat, client):
    """Escape sequences in a message are shown replaced, never sent raw."""
    client.read("cypress")
    client.send("bigc", "cypress", "\x1b[2Jgone\x07")

    ran = forest_chat("read", "--for", "cypress")

    assert "\x1b" not in ran.out and "\x07" not in ran.out
    assert "\N{REPLACEMENT CHARACTER}[2Jgone\N{REPLACEMENT CHARACTER}" in ran.out


def test_upload_prints_where_the_file_is(forest_chat, hub, tmp_path):
    """upload prints the stored name, the size and the full address."""
    path = tmp_path / "plan.txt"
    path.write_text("step 1")

    ran = forest_chat("upload", str(path))

    assert ran.code == 0
    assert ran.out.startswith("uploaded plan.txt as plan_")
    assert f"(6 bytes): {hub.url}/api/files/plan_" in ran.out


def test_upload_of_a_missing_file_exits_1(forest_chat, tmp_path):
    """upload of a file that is not there says so in one line and exits 1."""
    ran = forest_chat("upload", str(tmp_path / "missing.txt"))

    assert ran.code == 1
    assert ran.err.startswith("forest-chat upload: cannot read ")
    assert ran.err.count("\n") == 1


def test_webhook_set_then_list_shows_it_without_the_token(forest_chat):
    """webhook set changes a bot's webhook; webhook list shows it, never the token."""
    forest_chat(
        "webhook",
        "set",
        "cypress",
        "http://127.0.0.1:9/hooks/wake",
        "--token",
        "s3cret",
        "--strategy",
        "openclaw-wake",
    )

    ran = forest_chat("webhook", "list")

    line = next(line for line in ran.out.splitlines() if line.startswith("cypress"))
    assert "http://127.0.0.1:9/hooks/wake  token set  openclaw-wake" in line
    assert "s3cret" not in ran.out


def test_webhook_set_with_an_unknown_strategy_is_refused(forest_chat):
    """The hub's refusal of an unknown strategy is one line and exit 1."""
    ran = forest_chat(
        "webhook",
        "set",
        "cypress",
        "http://127.0.0.1:9/hooks/wake",
        "--strategy",
        "carrier-pigeon",
    )

    assert ran.code == 1
    assert ran.err.startswith("forest-chat webhook set: unknown strategy")


def test_webhook_list_json(forest_chat):
    """webhook list --json prints every bot's webhook as the API shows it."""
    ran = forest_chat("webhook", "list", "--json")

    webhooks = json.loads(ran.out)
    assert sorted(webhooks) == ["cypress", "redwood"]
    assert set(webhooks["redwood"]) == {"url", "has_token", "strategy", "last_wake"}


def test_participants_lists_kinds_and_the_operator(forest_chat):
    """participants prints each name with its kind and marks the operator."""
    ran = forest_chat("participants")

    assert ran.out.splitlines() == [
        "cypress  bot",
        "redwood  bot",
        "matthew  human  (operator)",
        "bigc     human",
    ]


def test_tail_shows_the_last_messages_then_new_ones_live(spawn, hub):
    """tail prints the last -n messages, then each new one until Ctrl-C ends it."""
    client = Client(hub.url)
    client.send("bigc", "all", "earlier one")
    client.send("bigc", "all", "earlier two")
    tail = spawn("tail", "-n", "2", "--url", hub.url)

    earlier = [tail.readline(), tail.readline()]
    client.send("redwood", "cypress", "live now")
    live = tail.readline()
    code = tail.stop(signal.SIGINT)

    assert [line.rstrip().rsplit(": ", 1)[1] for line in earlier] == [
        "earlier one",
        "earlier two",
    ]
    assert live.rstrip().endswith("redwood -> cypress: live now")
    assert code == 0
    assert "Traceback" not in tail.stderr()


def test_tail_stops_on_ctrl_c_even_when_started_ignoring_it(spawn, hub):
    """tail run from a shell that ignores SIGINT still ends on Ctrl-C."""
    Client(hub.url).send("bigc", "all", "before the ignore test")
    tail = spawn("tail", "-n", "1", "--url", hub.url, sigint=signal.SIG_IGN)
    tail.readline()

    code = tail.stop(signal.SIGINT)

    assert code == 0


def test_tail_json_prints_one_object_per_line(spawn, hub):
    """tail --json prints each message as one line of JSON."""
    client = Client(hub.url)
    sent = client.send("bigc", "all", "json line")
    tail = spawn("tail", "-n", "1", "--json", "--url", hub.url)

    line = tail.readline()
    tail.stop(signal.SIGINT)

    assert json.loads(line) == sent.to_wire()


def test_no_traceback_from_a_real_process_when_the_hub_is_down(spawn):
    """The command run as a process prints one line, not a traceback, and exits 1."""
    url = f"http://127.0.0.1:{free_port()}"
    read = spawn("read", "--for", "cypress", "--url", url)

    code = read.process.wait(timeout=30)

    assert code == 1
    assert read.stderr() == (
        f"forest-chat read: cannot reach the hub at {url}: connection refused\n"
    )
