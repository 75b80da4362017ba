"""Schemathesis fuzzes the running hub from its own OpenAPI document."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.servers import HubProcess

EXAMPLES = 150
REFUSALS = ["400", "404", "405", "413", "414", "415", "431"]


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """A hub under gunicorn with two workers, for the whole fuzzing run.

    Fuzzed webhook urls may name any host; the hub wakes only loopback ones.
    """
    folder = tmp_path_factory.mktemp("fuzz")
    config = folder / "hub.toml"
    config.write_text('webhook_hosts = ["127.0.0.1", "localhost", "::1"]\n')
    with HubProcess(folder / "data", workers=2, config=config) as server:
        yield server


@pytest.fixture(scope="module")
def api(hub):
    """The hub's document, loaded from the hub, with the checks it must pass."""
    config = schemathesis.Config.from_dict(
        {
            "checks": {
                # The hub refuses bad input with exactly these codes; 413 is
                # the answer to a body over the size limit, 414 and 431 to a
                # request line or headers over gunicorn's limits.
                "negative_data_rejection": {"expected-statuses": REFUSALS},
                # Wants 2xx for every request the schema allows, but some are
                # refused for reasons a schema cannot state, each a documented
                # 400: an empty text with no attachments, attachments naming
                # files never uploaded, a webhook url that is not http(s).
                "positive_data_acceptance": {"enabled": False},
            }
        }
    )
    return schemathesis.openapi.from_url(f"{hub.url}/api/openapi.json", config=config)


schema = schemathesis.pytest.from_fixture("api")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_hub_answers_only_as_described(case):
    """No request gets a server error or an answer the document does not describe."""
    hold_no_long_poll(case)

    case.call_and_validate()


def hold_no_long_poll(case):
    """Make a valid wait 0 s: held answers would slow the run; test_longpoll waits."""
    wait = str((case.query or {}).get("wait", ""))
    if wait.isascii() and wait.isdigit() and 0 < int(wait) <= 60:
        case.query["wait"] = 0
