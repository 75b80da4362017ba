"""The seed API's endpoints answer with the shapes existing clients rely on."""

import io
from datetime import datetime

import pytest
from falcon import testing

from forest_chat.adapters.http import create_app
from forest_chat.adapters.settings import Settings


def test_health(client):
    """GET /health says the hub is up."""
    result = client.simulate_get("/health")

    assert result.status_code == 200
    assert result.json == {"status": "ok", "service": "forest-chat"}


def test_send_answers_with_the_stored_message(send):
    """POST /api/send returns status sent and the message in wire shape."""
    result = send(sender="bigc", to="cypress", message="Run diagnostics please.")

    assert result.status_code == 200
    assert result.json["status"] == "sent"
    message = result.json["message"]
    assert message["id"] == 1
    assert (message["from"], message["to"]) == ("bigc", "cypress")
    assert message["message"] == "Run diagnostics please."
    assert message["delivered_to"] == {"cypress": False}
    assert message["attachments"] == []
    assert datetime.fromisoformat(message["timestamp"]).utcoffset().total_seconds() == 0


def test_send_to_a_bot_with_a_webhook_says_wake_sent(client, send, waker):
    """A send that queues a wake carries wake_sent, as the original did."""
    client.simulate_post(
        "/api/config",
        json={"target": "cypress", "url": "http://127.0.0.1:9/hooks/wake"},
    )

    woken = send(to="cypress").json["message"]
    quiet = send(to="redwood").json["message"]

    assert woken["wake_sent"] is True
    assert "wake_sent" not in quiet
    assert waker.calls == [("cypress", 1, "http://127.0.0.1:9/hooks/wake")]


def test_bot_to_bot_send_makes_a_cc_copy(client, send):
    """A bot writing to a bot also writes a copy to the operator."""
    send(sender="cypress", to="redwood", message="status?")

    history = client.simulate_get("/api/messages").json

    assert [(m["from"], m["to"], m["message"]) for m in history] == [
        ("cypress", "redwood", "status?"),
        ("cypress", "matthew", "[CC:redwood] status?"),
    ]


def test_messages_limit_and_since(client, send):
    """GET /api/messages filters by since, then keeps the last limit."""
    for i in range(5):
        send(message=str(i))

    last_two = client.simulate_get("/api/messages", params={"limit": 2}).json
    after_three = client.simulate_get("/api/messages", params={"since": 3}).json
    none = client.simulate_get("/api/messages", params={"limit": 0}).json

    assert [m["id"] for m in last_two] == [4, 5]
    assert [m["id"] for m in after_three] == [4, 5]
    assert none == []


def test_read_marks_and_peek_does_not(client, send):
    """GET /api/read marks delivered; mark_read=false only peeks."""
    send(to="cypress", message="one")

    peeked = client.simulate_get(
        "/api/read", params={"for": "cypress", "mark_read": "false"}
    )
    taken = client.simulate_get("/api/read", params={"for": "cypress"})
    again = client.simulate_get("/api/read", params={"for": "cypress"})

    assert [m["message"] for m in peeked.json] == ["one"]
    assert peeked.json[0]["delivered_to"] == {"cypress": False}
    assert taken.json[0]["delivered_to"] == {"cypress": True}
    assert again.json == []


def test_read_gets_broadcasts_but_not_own_messages(client, send):
    """A reader gets messages to all, never their own."""
    send(sender="cypress", to="all", message="hello all")
    send(sender="bigc", to="all", message="hi from bigc")

    texts = [
        m["message"]
        for m in client.simulate_get("/api/read", params={"for": "cypress"}).json
    ]

    assert texts == ["hi from bigc"]


def test_config_shows_every_bot_without_tokens(client):
    """GET /api/config lists each bot's url, has_token, strategy and last_wake."""
    client.simulate_post(
        "/api/config",
        json={
            "target": "redwood",
            "url": "http://127.0.0.1:9/hooks/agent",
            "token": "s3cret",
        },
    )

    result = client.simulate_get("/api/config")

    assert result.json == {
        "cypress": {"url": "", "has_token": False, "strategy": None, "last_wake": None},
        "redwood": {
            "url": "http://127.0.0.1:9/hooks/agent",
            "has_token": True,
            "strategy": None,
            "last_wake": None,
        },
    }
    assert "s3cret" not in result.text


def test_config_update_answers_updated(client):
    """POST /api/config answers status updated and keeps the strategy."""
    result = client.simulate_post(
        "/api/config",
        json={"target": "cypress", "url": "http://127.0.0.1:9/x", "strategy": "json"},
    )

    assert result.json == {"status": "updated"}
    assert client.simulate_get("/api/config").json["cypress"]["strategy"] == "json"


def test_participants_lists_the_roster(client):
    """GET /api/participants gives every name with its kind and the operator."""
    result = client.simulate_get("/api/participants")

    assert result.json == {
        "participants": [
            {"name": "cypress", "kind": "bot"},
            {"name": "redwood", "kind": "bot"},
            {"name": "matthew", "kind": "human"},
            {"name": "bigc", "kind": "human"},
        ],
        "operator": "matthew",
        "broadcast": "all",
    }


def test_strategies_lists_what_the_waker_knows(client):
    """GET /api/strategies gives the strategy names a webhook may choose, sorted."""
    result = client.simulate_get("/api/strategies")

    assert result.json == {"strategies": ["json", "openclaw-agent", "openclaw-wake"]}


def test_upload_then_send_then_download(client, upload, send):
    """An uploaded file can be attached and downloaded with its MIME type."""
    uploaded = upload(name="report.pdf", data=b"%PDF-1.4 data").json

    sent = send(message="see attached", attachments=[uploaded])
    download = client.simulate_get(uploaded["url"])

    assert uploaded["status"] == "uploaded"
    assert uploaded["original_name"] == "report.pdf"
    assert uploaded["size"] == len(b"%PDF-1.4 data")
    assert uploaded["url"] == f"/api/files/{uploaded['filename']}"
    assert sent.json["message"]["attachments"][0]["filename"] == uploaded["filename"]
    assert download.status_code == 200
    assert download.content == b"%PDF-1.4 data"
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_an_upload_sent_without_a_length_is_stored(client):
    """A form streamed in chunks, with no Content-Length, uploads like any other."""
    body = (
        b"--xyz\r\n"
        b'Content-Disposition: form-data; name="file"; filename="log.txt"\r\n\r\n'
        b"line one\r\n"
        b"--xyz--\r\n"
    )

    uploaded = client.simulate_post(
        "/api/upload",
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
        extras={"wsgi.input": io.BytesIO(body)},
    ).json

    assert uploaded["size"] == len(b"line one")
    assert client.simulate_get(uploaded["url"]).content == b"line one"


@pytest.mark.parametrize(
    "name",
    [
        "page.html",
        "page.htm",
        "PAGE.HTML",
        "page.xhtml",
        "image.svg",
        "image.svgz",
        "feed.xml",
        "feed.rss",
        "style.xsl",
        "code.js",
        "module.mjs",
    ],
)
def test_active_uploads_are_served_inert(client, upload, name):
    """HTML, SVG, any XML and JS download as attachments in a sandbox."""
    url = upload(name=name, data=b"<script>alert(1)</script>").json["url"]

    result = client.simulate_get(url)

    assert result.headers["Content-Disposition"].startswith("attachment")
    assert result.headers["Content-Security-Policy"] == "sandbox"
    assert result.headers["X-Content-Type-Options"] == "nosniff"


def test_images_are_served_inline(client, upload):
    """A PNG is shown inline, not forced to download."""
    url = upload(name="photo.png", data=b"\x89PNG\r\n\x1a\n").json["url"]

    result = client.simulate_get(url)

    assert result.headers["Content-Type"] == "image/png"
    assert "Content-Disposition" not in result.headers


def test_cors_is_open_by_default(client):
    """Any origin may call the API, as with the original hub."""
    result = client.simulate_get("/health", headers={"Origin": "http://elsewhere.test"})

    assert result.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_can_be_limited_to_named_origins(hub, tmp_path):
    """With cors_origins set, only those origins are told they may call the API."""
    settings = Settings(data_dir=tmp_path, cors_origins=("http://desk.test",))
    client = testing.TestClient(create_app(hub, settings))

    named = client.simulate_get("/health", headers={"Origin": "http://desk.test"})
    other = client.simulate_get("/health", headers={"Origin": "http://evil.test"})

    assert named.headers["Access-Control-Allow-Origin"] == "http://desk.test"
    assert "Access-Control-Allow-Origin" not in other.headers


def test_cors_preflight_for_a_json_send_is_answered(client):
    """A browser's preflight before a JSON send gets the CORS answer it needs."""
    result = client.simulate_options(
        "/api/send",
        headers={
            "Origin": "http://elsewhere.test",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )

    assert result.status_code == 200
    assert result.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in result.headers["Access-Control-Allow-Methods"]
    assert "content-type" in result.headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize(
    "name", ["IMG_0042_a1b2c3d4.JPG", "notes.v2_0badcafe.md", "_5eed1e55.txt"]
)
def test_uploads_the_original_hub_left_are_served(client, send, settings, name):
    """Files named by the original hub in uploads/ download and can be attached."""
    settings.uploads_dir.joinpath(name).write_bytes(b"from the old hub")

    download = client.simulate_get(f"/api/files/{name}")
    sent = send(attachments=[{"filename": name, "url": f"/api/files/{name}"}])

    assert download.status_code == 200
    assert download.content == b"from the old hub"
    assert sent.status_code == 200


def test_an_old_html_upload_with_a_capital_extension_is_inert(client, settings):
    """A page the original hub stored as .HTML still downloads as an attachment."""
    settings.uploads_dir.joinpath("page_0badcafe.HTML").write_bytes(b"<script>")

    result = client.simulate_get("/api/files/page_0badcafe.HTML")

    assert result.headers["Content-Disposition"].startswith("attachment")
    assert result.headers["Content-Security-Policy"] == "sandbox"


def test_page_is_served_with_a_strict_policy(client):
    """GET / serves the web page, which may run only its own scripts."""
    result = client.simulate_get("/")

    assert result.status_code == 200
    assert result.headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in result.headers["Content-Security-Policy"]
