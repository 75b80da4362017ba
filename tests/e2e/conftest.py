import pytest

from tests.servers import HubProcess


@pytest.fixture
def hub_server(tmp_path):
    """A hub under gunicorn with 2 workers on a fresh data directory."""
    with HubProcess(tmp_path / "data", workers=2) as server:
        yield server
