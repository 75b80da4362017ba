"""Every bad request gets a 4xx JSON error that says what to fix, and stores nothing."""

import io
import re

import pytest

SEND_BODIES = [
    ({"to": "cypress", "message": "x"}, "'from' is required"),
    ({"from": "bigc", "message": "x"}, "'to' is required"),
    ({"from": 7, "to": "cypress", "message": "x"}, "'from' must be a string"),
    ({"from": "bigc", "to": ["cypress"], "message": "x"}, "'to' must be a string"),
    ({"from": "bigc", "to": "cypress", "message": 42}, "'message' must be a string"),
    ({"from": "bigc", "to": "cypress", "message": {"a": 1}}, "'message' must be"),
    ({"from": "nobody", "to": "cypress", "message": "x"}, "unknown sender 'nobody'"),
    ({"from": "bigc", "to": "nobody", "message": "x"}, "unknown recipient 'nobody'"),
    ({"from": "all", "to": "cypress", "message": "x"}, "unknown sender 'all'"),
    ({"from": "BigC", "to": "cypress", "message": "x"}, "unknown sender"),
    ({"from": "bigc", "to": "cypress"}, "needs text"),
    ({"from": "bigc", "to": "cypress", "message": "   "}, "needs text"),
    ({"from": "bigc", "to": "cypress", "message": "x", "attachments": "f.txt"}, "list"),
    ({"from": "bigc", "to": "cypress", "message": "x", "attachments": {}}, "list"),
    (
        {"from": "bigc", "to": "cypress", "message": "x", "attachments": ["f.txt"]},
        "attachments[0]",
    ),
    (
        {
            "from": "bigc",
            "to": "cypress",
            "attachments": [{"filename": "x_1234abcd.txt"}],
        },
        "no uploaded file",
    ),
    (
        {
            "from": "bigc",
            "to": "cypress",
            "attachments": [{"filename": "a.txt", "url": "http://evil.test/a.txt"}],
        },
        "'url' must be",
    ),
    ({"from": "bigc", "to": "cypress", "message": "x" * 100_001}, "limit is 100,000"),
]


@pytest.mark.parametrize(("body", "says"), SEND_BODIES)
def test_bad_sends_are_refused_and_not_stored(client, body, says):
    """Each malformed send is a 400 naming the problem; history stays empty."""
    result = client.simulate_post("/api/send", json=body)

    assert result.status_code == 400
    assert says in result.json["error"]
    assert client.simulate_get("/api/messages").json == []


def test_unknown_name_error_lists_the_known_names(client):
    """An unknown recipient's error tells the client which names exist."""
    result = client.simulate_post(
        "/api/send", json={"from": "bigc", "to": "oak", "message": "x"}
    )

    assert "bigc, cypress, matthew, redwood, all" in result.json["error"]


@pytest.mark.parametrize(
    ("body", "content_type", "status", "says"),
    [
        (b"not json", "application/json", 400, "not valid JSON"),
        (b'["a", "list"]', "application/json", 400, "JSON object"),
        (b'"text"', "application/json", 400, "JSON object"),
        (b"\xff\xfe", "application/json", 400, "not valid JSON"),
        (b"", "application/json", 400, "not valid JSON"),
        (
            b'{"from": "bigc", "to": "cypress", "message": "\\ud800"}',
            "application/json",
            400,
            "lone surrogate",
        ),
        (b'{"from": "bigc"}', "text/plain", 415, "application/json"),
        (b"from=bigc", "application/x-www-form-urlencoded", 415, "application/json"),
    ],
)
def test_bodies_that_are_not_a_json_object(client, body, content_type, status, says):
    """Non-JSON, non-object and wrongly typed bodies are refused as JSON errors."""
    result = client.simulate_post(
        "/api/send", body=body, headers={"Content-Type": content_type}
    )

    assert result.status_code == status
    assert says in result.json["error"]
    assert client.simulate_get("/api/messages").json == []


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = readlines = __iter__ = read


def test_huge_body_is_refused_before_it_is_read(client):
    """A Content-Length over 1 MiB gets 413 without the body being read."""
    result = client.simulate_post(
        "/api/send",
        body=b"",
        headers={"Content-Type": "application/json", "Content-Length": str(10**7)},
        extras={"wsgi.input": UnreadableBody()},
    )

    assert result.status_code == 413
    assert "1,048,576" in result.json["error"]


def test_ten_megabyte_body_is_refused(client):
    """A 10 MB JSON body is a 413 and nothing is stored."""
    body = b'{"from": "bigc", "to": "cypress", "message": "' + b"x" * 10**7 + b'"}'

    result = client.simulate_post(
        "/api/send", body=body, headers={"Content-Type": "application/json"}
    )

    assert result.status_code == 413
    assert client.simulate_get("/api/messages").json == []


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"limit": "abc"}, "'limit' must be a whole number"),
        ({"limit": "-1"}, "'limit' must be a whole number"),
        ({"limit": "1.5"}, "'limit' must be a whole number"),
        ({"since": "x"}, "'since' must be a whole number"),
        ({"since": "-5"}, "'since' must be a whole number"),
        ({"since": "1", "wait": "61"}, "'wait' must be at most 60"),
        ({"since": "1", "wait": "soon"}, "'wait' must be a whole number"),
        ({"limit": "9" * 40}, "'limit' must be a whole number"),
        ({"limit": "\u00b2"}, "'limit' must be a whole number"),
        ({"since": "\u0663"}, "'since' must be a whole number"),
    ],
)
def test_bad_history_parameters(client, params, says):
    """Bad limit, since or wait values are 400s saying what is allowed."""
    result = client.simulate_get("/api/messages", params=params)

    assert result.status_code == 400
    assert says in result.json["error"]


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({}, "'for' is required"),
        ({"for": ""}, "'for' is required"),
        ({"for": "nobody"}, "unknown reader 'nobody'"),
        ({"for": "cypress", "mark_read": "maybe"}, "'mark_read' must be true or false"),
        ({"for": "cypress", "wait": "100"}, "'wait' must be at most 60"),
    ],
)
def test_bad_read_parameters(client, send, params, says):
    """Bad read requests are 400s and mark nothing."""
    send(to="cypress")

    result = client.simulate_get("/api/read", params=params)

    assert result.status_code == 400
    assert says in result.json["error"]
    assert client.simulate_get("/api/messages").json[0]["delivered_to"] == {
        "cypress": False
    }


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"url": "http://127.0.0.1:9/hooks/wake"}, "'target' is required"),
        ({"target": "matthew", "url": "http://127.0.0.1:9/"}, "not a bot"),
        ({"target": "oak", "url": "http://127.0.0.1:9/"}, "unknown bot 'oak'"),
        ({"target": "cypress", "url": "ftp://127.0.0.1/"}, "http:// or https://"),
        ({"target": "cypress", "url": "not a url"}, "http:// or https://"),
        ({"target": "cypress", "url": 5}, "'url' must be a string"),
        ({"target": "cypress", "token": ["x"]}, "'token' must be a string"),
        ({"target": "cypress", "strategy": "carrier-pigeon"}, "unknown strategy"),
        (
            {"target": "cypress", "url": "http://127.0.0.1:9/hooks/wake?token=abc"},
            "not in the url",
        ),
    ],
)
def test_bad_config_updates(client, body, says):
    """Bad webhook settings are 400s and change nothing."""
    result = client.simulate_post("/api/config", json=body)

    assert result.status_code == 400
    assert says in result.json["error"]
    assert client.simulate_get("/api/config").json["cypress"]["url"] == ""


@pytest.mark.parametrize(
    "path",
    [
        "/api/files/..%2F..%2Fetc%2Fpasswd",
        "/api/files/%2e%2e%2fsecret",
        "/api/files/..",
        "/api/files/.upload-abc",
        "/api/files/..%5C..%5Cwindows",
        "/api/files/..%5Csecret.txt",
        "/api/files/..\\secret.txt",
        "/api/files/..%252Fsecret.txt",
        "/api/files/%252e%252e%252fsecret.txt",
        "/api/files/..%c0%afsecret.txt",
        "/api/files/%2e%2e/secret.txt",
        "/api/files/../secret.txt",
        "/api/files/..%2Fsecret.txt",
        "/api/files/%00",
        "/api/files/secret.txt%00.png",
        "/api/files/nothing_1234abcd.txt",
        "/api/files/" + "a" * 300,
    ],
)
def test_file_traversal_and_unknown_files_are_404(client, upload, settings, path):
    """No encoding of a path escapes the uploads folder, to a file beside it or not."""
    upload()
    settings.data_dir.joinpath("secret.txt").write_text("keep out")

    result = client.simulate_get(path)

    assert result.status_code == 404
    assert "error" in result.json


@pytest.mark.parametrize(
    ("hostile", "stem", "extension"),
    [
        ("../../etc/passwd", "passwd", ""),
        ("<img src=x onerror=alert(1)>.png", "img_src_x_onerror_alert_1", ".png"),
        ("C:\\Users\\me\\Résumé.PDF", "Resume", ".pdf"),
        ("日本語.txt", "file", ".txt"),
        ("a" * 500 + ".txt", "a" * 60, ".txt"),
        ("report.tar.gz", "report_tar", ".gz"),
        (".htaccess", "htaccess", ""),
        ("notes.thisisnotanextension", "notes", ""),
        ("tab\tand\x00nul.txt", "tab_and_nul", ".txt"),
    ],
)
def test_hostile_upload_names_are_made_safe(client, upload, hostile, stem, extension):
    """Stored names are <safe stem>_<8 hex>.<ext>: short, ASCII, pathless."""
    uploaded = upload(name=hostile).json

    assert re.fullmatch(
        re.escape(stem) + r"_[0-9a-f]{8}" + re.escape(extension), uploaded["filename"]
    )
    assert len(uploaded["filename"]) <= 80
    assert client.simulate_get(uploaded["url"]).status_code == 200


def test_upload_over_the_limit_is_refused_while_streaming(
    client, upload, hub, settings
):
    """An upload over the cap is a 413 and leaves no file behind."""
    hub.max_upload = 1000

    result = upload(data=b"x" * 1001)

    assert result.status_code == 413
    assert list(settings.uploads_dir.iterdir()) == []


def test_a_stray_temporary_upload_is_not_served(client, settings):
    """A half-written upload's temporary file cannot be fetched by name."""
    settings.uploads_dir.joinpath(".upload-abc123").write_bytes(b"half")

    result = client.simulate_get("/api/files/.upload-abc123")

    assert result.status_code == 404


def test_a_broken_form_after_the_file_keeps_nothing(client, settings):
    """A whole file followed by a broken form part is a 400 and leaves no file."""
    body = (
        b"--xyz\r\n"
        b'Content-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'
        b"hello\r\n"
        b"--xyz\r\n"
        b'Content-Disposition: form-data; name="note"\r\n\r\n'
        b"the closing boundary never comes"
    )

    result = client.simulate_post(
        "/api/upload",
        body=body,
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )

    assert result.status_code == 400
    assert "error" in result.json
    assert list(settings.uploads_dir.iterdir()) == []


def test_an_upload_declared_too_large_is_refused_before_it_is_read(client):
    """An upload whose Content-Length is over the cap gets 413 unread."""
    result = client.simulate_post(
        "/api/upload",
        body=b"",
        headers={
            "Content-Type": "multipart/form-data; boundary=xyz",
            "Content-Length": str(26 * 1024 * 1024 + 1),
        },
        extras={"wsgi.input": UnreadableBody()},
    )

    assert result.status_code == 413
    assert "error" in result.json


def chunked_upload(client, data):
    """Post data as a file in a form sent without a Content-Length."""
    body = (
        b"--xyz\r\n"
        b'Content-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n'
        + data
        + b"\r\n--xyz--\r\n"
    )
    return client.simulate_post(
        "/api/upload",
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
        extras={"wsgi.input": io.BytesIO(body)},
    )


def test_a_chunked_upload_over_the_limit_is_refused_while_streaming(
    client, hub, settings
):
    """An upload sent without a length is cut off at the cap: 413, no file kept."""
    hub.max_upload = 1000

    result = chunked_upload(client, b"x" * 5000)

    assert result.status_code == 413
    assert list(settings.uploads_dir.iterdir()) == []


def test_upload_needs_multipart(client):
    """A non-multipart upload is a 415 saying how to upload."""
    result = client.simulate_post("/api/upload", json={"file": "x"})

    assert result.status_code == 415
    assert "multipart/form-data" in result.json["error"]


def test_upload_needs_the_file_field(upload):
    """A form without a 'file' field is a 400."""
    result = upload(field="document")

    assert result.status_code == 400
    assert "'file'" in result.json["error"]


def test_malformed_multipart_is_a_json_400(client):
    """A broken multipart body gets a JSON error, not a crash."""
    result = client.simulate_post(
        "/api/upload",
        body=b"garbage without boundaries",
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )

    assert result.status_code == 400
    assert "error" in result.json


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/nothing", 404),
        ("GET", "/index.php", 404),
        ("DELETE", "/api/messages", 405),
        ("GET", "/api/send", 405),
        ("PUT", "/api/config", 405),
        ("POST", "/api/read", 405),
        ("GET", "/ui/../setup.cfg", 404),
        ("GET", "/ui/nothing.js", 404),
    ],
)
def test_every_error_has_the_same_json_shape(client, method, path, status):
    """Unknown routes and methods answer JSON {"error": ...}, never HTML."""
    result = client.simulate_request(method, path)

    assert result.status_code == status
    assert result.headers["Content-Type"].startswith("application/json")
    assert list(result.json) == ["error"]
    assert isinstance(result.json["error"], str) and result.json["error"]


def test_a_token_never_leaves_the_hub(client, send, caplog):
    """A webhook token is in no answer and no log line, however it is used."""
    caplog.set_level("DEBUG")
    token = "tok-5ecret-771"

    answers = [
        client.simulate_post(
            "/api/config",
            json={
                "target": "cypress",
                "url": "http://127.0.0.1:9/hooks/wake",
                "token": token,
            },
        ),
        client.simulate_post("/api/config", json={"target": "oak", "token": token}),
        send(to="cypress"),
        client.simulate_get("/api/config"),
        client.simulate_get("/api/openapi.json"),
    ]

    assert all(token not in answer.text for answer in answers)
    assert token not in caplog.text
