"""Fixtures for the plugin tests: a fresh plugin manager, a gateway, a hub."""

from dataclasses import dataclass

import pytest

from forest_chat.adapters.memory import MemoryStore
from forest_chat.adapters.wake import HTTPWaker
from forest_chat.core import Hub, Roster
from forest_chat.plugins import PluginRules, make_plugin_manager
from tests.gateway import FakeGateway, Outcomes

TOKEN = "gateway-token-3f9a7c"
PUBLIC_URL = "http://hub.example:5001"


@pytest.fixture
def pm():
    """Return a fresh plugin manager with only the built-ins."""
    return make_plugin_manager(public_url=PUBLIC_URL, load_entrypoints=False)


@pytest.fixture
def gateway():
    """Run a fake OpenClaw gateway that expects TOKEN."""
    with FakeGateway(token=TOKEN) as running:
        yield running


@dataclass
class Rig:
    """A hub wired as the composition root wires it, and what it is made of."""

    hub: Hub
    waker: HTTPWaker
    outcomes: Outcomes

    def webhook(self, bot, url, token=TOKEN, strategy=None):
        """Point bot's webhook at url."""
        self.hub.set_webhook(bot, url=url, token=token, strategy=strategy)

    def last_wake(self, bot):
        """Return the outcome the store keeps for bot's last wake."""
        return self.hub.webhooks()[bot].last_wake


@pytest.fixture
def make_rig(pm):
    """Return a factory of Rigs: a Hub on a MemoryStore, woken by HTTPWaker.

    Keyword options go to HTTPWaker; every waker is closed after the test.
    """
    wakers = []

    def build(plugins=None, **options):
        plugins = plugins or pm
        hub = Hub(MemoryStore(), Roster.default(), rules=PluginRules(plugins))
        outcomes = Outcomes(hub.record_wake)
        settings = {"backoff": 0.01, "timeout": 5, **options}
        hub.waker = HTTPWaker(plugins, on_outcome=outcomes, **settings)
        wakers.append(hub.waker)
        return Rig(hub, hub.waker, outcomes)

    yield build
    for waker in wakers:
        waker.close()
