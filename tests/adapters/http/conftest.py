import pytest
from falcon import testing

from forest_chat.adapters.files import UploadFolder
from forest_chat.adapters.http import create_app
from forest_chat.adapters.memory import MemoryStore
from forest_chat.adapters.settings import Settings
from forest_chat.core import Hub, Roster, Waker


class RecordingWaker(Waker):
    """A waker that only remembers whom it was asked to wake."""

    def __init__(self):
        self.calls = []

    def wake(self, participant, message, webhook):
        self.calls.append((participant.name, message.id, webhook.url))

    def strategies(self):
        return ["openclaw-wake", "openclaw-agent", "json"]


@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=tmp_path)


@pytest.fixture
def waker():
    return RecordingWaker()


@pytest.fixture
def hub(settings, waker):
    return Hub(
        MemoryStore(),
        Roster.default(),
        files=UploadFolder(settings.uploads_dir, durable=False),
        waker=waker,
        max_upload=settings.max_upload_bytes,
    )


@pytest.fixture
def client(hub, settings):
    return testing.TestClient(create_app(hub, settings))


@pytest.fixture
def send(client):
    def send(sender="bigc", to="cypress", message="hello", **extra):
        body = {"from": sender, "to": to, "message": message, **extra}
        return client.simulate_post("/api/send", json=body)

    return send


@pytest.fixture
def upload(client):
    def upload(name="report.pdf", data=b"%PDF-1.4 hello", field="file"):
        boundary = "forestboundary"
        body = (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
        return client.simulate_post(
            "/api/upload",
            body=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )

    return upload
