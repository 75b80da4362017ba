"""``GET /api/openapi.json`` describes the API truly and completely."""

import falcon.inspect
import falcon.testing
import pytest
import requests
import schemathesis

from forest_chat.adapters.compose import build_app, close_hub
from forest_chat.adapters.settings import load_settings
from forest_chat.plugins import known_strategies, make_plugin_manager
from tests.servers import HubProcess

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The document as a running hub serves it."""
    with HubProcess(tmp_path_factory.mktemp("openapi") / "data") as server:
        answer = requests.get(f"{server.url}/api/openapi.json", timeout=10)
    answer.raise_for_status()
    return answer.json()


@pytest.fixture
def composed(tmp_path):
    """The app and hub the composition root builds, and the document they serve."""
    config = tmp_path / "hub.toml"
    config.write_text(
        'operator = "ada"\n'
        "[participants]\n"
        'ada = "human"\n'
        'oak = "bot"\n'
        'pine = "bot"\n'
    )
    app, hub = build_app(load_settings(config, data_dir=tmp_path / "data"))
    document = falcon.testing.TestClient(app).simulate_get("/api/openapi.json").json
    yield app, hub, document
    close_hub(hub)


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def resolve(document, reference):
    assert reference.startswith("#/"), reference
    node = document
    for part in reference[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def references(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def test_document_validates_as_openapi_3(served):
    """The served document passes the OpenAPI 3.1 meta-schema."""
    schema = schemathesis.openapi.from_dict(served)

    schema.validate()

    assert served["openapi"].startswith("3.")


def test_every_reference_resolves(served):
    """Each $ref in the document points at something the document holds."""
    found = sorted(set(references(served)))

    targets = [resolve(served, reference) for reference in found]

    assert found
    assert all(isinstance(target, dict) for target in targets)


def test_every_route_of_the_app_is_described(composed):
    """The document names exactly the paths and methods the app answers."""
    app, hub, document = composed
    routes = {
        (route.path, method.method.lower())
        for route in falcon.inspect.inspect_app(app).routes
        for method in route.methods
        if not method.internal
    }

    described = {(path, method) for path, method, _ in operations(document)}

    assert described == routes


def test_every_operation_describes_its_answers(served):
    """Each operation has a 200 answer, and every error answer is {"error": ...}."""
    error = {"$ref": "#/components/schemas/Error"}

    for path, method, operation in operations(served):
        codes = operation["responses"]
        errors = [
            resolve(served, answer["$ref"]) if "$ref" in answer else answer
            for code, answer in codes.items()
            if not code.startswith("2")
        ]

        assert "200" in codes, (path, method)
        for answer in errors:
            assert answer["content"] == {"application/json": {"schema": error}}


def test_bodies_that_can_be_refused_say_so(served):
    """Every operation taking a body lists 400, 413 and 415 among its answers."""
    with_body = [
        (path, method, operation)
        for path, method, operation in operations(served)
        if "requestBody" in operation
    ]

    missing = {
        (path, method): {"400", "413", "415"} - set(operation["responses"])
        for path, method, operation in with_body
    }

    assert len(with_body) == 3
    assert all(not codes for codes in missing.values()), missing


def test_names_follow_the_hubs_roster(composed):
    """Who may send, read and be configured comes from the hub's own roster."""
    app, hub, document = composed
    schemas = document["components"]["schemas"]
    read = document["paths"]["/api/read"]["get"]
    reader = next(p for p in read["parameters"] if p["name"] == "for")

    assert reader["schema"]["enum"] == ["ada", "oak", "pine"]
    assert schemas["SendRequest"]["properties"]["to"]["enum"] == [
        "ada",
        "oak",
        "pine",
        "all",
    ]
    assert schemas["WebhookRequest"]["properties"]["target"]["enum"] == ["oak", "pine"]


def test_strategies_are_the_plugins_strategies(composed):
    """The strategies a webhook may name are those the loaded plugins declare."""
    app, hub, document = composed
    strategy = document["components"]["schemas"]["WebhookRequest"]["properties"][
        "strategy"
    ]

    expected = known_strategies(make_plugin_manager())

    assert strategy["enum"] == [*expected, "", None]


def test_limits_are_the_hubs_limits(composed):
    """Message length and wait limits in the document are the hub's settings."""
    app, hub, document = composed
    send = document["components"]["schemas"]["SendRequest"]["properties"]
    wait = next(
        p
        for p in document["paths"]["/api/read"]["get"]["parameters"]
        if p["name"] == "wait"
    )

    assert send["message"]["maxLength"] == hub.max_text
    assert wait["schema"]["maximum"] == 60
