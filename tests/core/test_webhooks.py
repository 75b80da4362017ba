"""Webhook settings per bot, and which bots the hub wakes after a send."""

import logging

import pytest

from forest_chat.adapters.memory import MemoryStore
from forest_chat.core import BOT, HUMAN, Hub, Participant, Roster, WakeOutcome, Webhook
from forest_chat.core.errors import InvalidWebhook, NotABot, UnknownParticipant

from .fakes import RecordingWaker

URL = "http://127.0.0.1:18789/hooks/wake"


@pytest.fixture
def waker():
    return RecordingWaker()


@pytest.fixture
def hub(waker):
    return Hub(store=MemoryStore(), roster=Roster.default(), waker=waker)


class TestSettings:
    def test_every_bot_has_settings(self, hub):
        """Every bot on the roster is listed, unconfigured until set."""
        assert hub.webhooks() == {"cypress": Webhook(), "redwood": Webhook()}

    def test_set_and_read_back(self, hub):
        """Settings that were set are what the hub lists."""
        hub.set_webhook("redwood", url=URL, token="tok", strategy="openclaw-wake")

        assert hub.webhooks()["redwood"] == Webhook(URL, "tok", "openclaw-wake")

    def test_none_keeps_what_is_there(self, hub):
        """Changing one field leaves the others as they were."""
        hub.set_webhook("redwood", url=URL, token="tok")

        webhook = hub.set_webhook("redwood", strategy="openclaw-agent")

        assert webhook == Webhook(URL, "tok", "openclaw-agent")

    def test_empty_url_clears_it(self, hub):
        """An empty url leaves the bot without a webhook."""
        hub.set_webhook("redwood", url=URL)

        webhook = hub.set_webhook("redwood", url="")

        assert not webhook.configured

    def test_human_is_not_a_bot(self, hub):
        """A human has no webhook; the error names the bots."""
        with pytest.raises(NotABot) as raised:
            hub.set_webhook("matthew", url=URL)

        assert str(raised.value) == (
            "'matthew' is not a bot; webhooks exist for bots only: cypress, redwood"
        )

    def test_unknown_target(self, hub):
        """A target not on the roster is refused as unknown."""
        with pytest.raises(UnknownParticipant, match="unknown bot 'oak'"):
            hub.set_webhook("oak", url=URL)

    @pytest.mark.parametrize(
        "url",
        [
            "ftp://127.0.0.1/hooks",
            "127.0.0.1:18789/hooks/wake",
            "not a url",
            "http://",
            "https:///hooks",
            "javascript:alert(1)",
        ],
    )
    def test_refuses_a_url_that_is_not_http(self, hub, url):
        """A url that is not an http(s) address with a host is refused."""
        with pytest.raises(InvalidWebhook, match="http:// or https://"):
            hub.set_webhook("redwood", url=url)

    @pytest.mark.parametrize(
        "url",
        ["http://[::1/hooks", "http://127.0.0.1:port/hooks", "http://127.0.0.1:99999/"],
    )
    def test_refuses_a_url_that_cannot_be_parsed(self, hub, url):
        """A url with a broken host or port is refused as a bad webhook."""
        with pytest.raises(InvalidWebhook):
            hub.set_webhook("redwood", url=url)

    @pytest.mark.parametrize(
        "url",
        ["http://127.0.0.1/ho oks", "http://127.0.0.1/\r\nX-Evil: 1", "http://a\tb/"],
    )
    def test_refuses_whitespace_in_the_url(self, hub, url):
        """A url holding spaces or control characters is refused."""
        with pytest.raises(InvalidWebhook):
            hub.set_webhook("redwood", url=url)

    def test_refuses_a_token_in_the_query(self, hub):
        """The token belongs in its own field, not in the url."""
        with pytest.raises(InvalidWebhook, match="not in the url's query"):
            hub.set_webhook("redwood", url=f"{URL}?token=s3cret")

    def test_refuses_credentials_in_the_url(self, hub):
        """A password in the url would be shown to clients, so it is refused."""
        with pytest.raises(InvalidWebhook):
            hub.set_webhook("redwood", url="http://bot:s3cret@127.0.0.1:18789/hooks")

    @pytest.mark.parametrize(
        "url",
        [
            "ftp://bot:s3cret@127.0.0.1/hooks",
            "http://127.0.0.1:99999/?key=s3cret",
            "http://127.0.0.1/\ns3cret",
        ],
    )
    def test_a_refused_url_is_not_repeated(self, hub, url):
        """The error for a bad url leaves it out, since it may hold a secret."""
        with pytest.raises(InvalidWebhook) as refused:
            hub.set_webhook("redwood", url=url)

        assert "s3cret" not in str(refused.value)

    @pytest.mark.parametrize(
        "token", ["two\nlines", " padded ", "t\u00f6ken", "tab\there", "\x00"]
    )
    def test_refuses_a_token_that_cannot_travel_in_a_header(self, hub, token):
        """A token must be one line of printable ASCII, or no wake could carry it."""
        with pytest.raises(InvalidWebhook, match="one line of printable ASCII"):
            hub.set_webhook("redwood", url=URL, token=token)

        assert hub.webhooks()["redwood"] == Webhook()

    def test_the_log_leaves_out_the_urls_query(self, hub, caplog):
        """A query in a webhook url may hold a key, so the log line leaves it out."""
        caplog.set_level(logging.INFO, logger="forest_chat.core")

        hub.set_webhook("redwood", url=f"{URL}?key=s3cret")

        assert URL in caplog.text
        assert "s3cret" not in caplog.text

    @pytest.mark.parametrize("field", ["url", "token", "strategy"])
    def test_refuses_a_field_that_is_not_a_string(self, hub, field):
        """Each setting must be a string."""
        with pytest.raises(InvalidWebhook, match=f"'{field}' must be a string"):
            hub.set_webhook("redwood", **{field: 5})

    def test_refuses_an_unknown_strategy(self):
        """A strategy the waker does not know is refused, naming those it knows."""
        waker = RecordingWaker(strategies=["openclaw-wake", "openclaw-agent"])
        hub = Hub(store=MemoryStore(), roster=Roster.default(), waker=waker)

        with pytest.raises(InvalidWebhook, match="openclaw-agent, openclaw-wake"):
            hub.set_webhook("redwood", strategy="carrier-pigeon")

    def test_empty_strategy_means_by_url(self):
        """An empty strategy is always accepted, whatever the waker knows."""
        waker = RecordingWaker(strategies=["openclaw-wake"])
        hub = Hub(store=MemoryStore(), roster=Roster.default(), waker=waker)

        assert hub.set_webhook("redwood", strategy="").strategy == ""

    def test_refused_settings_change_nothing(self, hub):
        """A refused change leaves the earlier settings in place."""
        hub.set_webhook("redwood", url=URL, token="tok")

        with pytest.raises(InvalidWebhook):
            hub.set_webhook("redwood", url="ftp://127.0.0.1/", token="other")

        assert hub.webhooks()["redwood"] == Webhook(URL, "tok")

    def test_webhook_hosts_limit_where_urls_may_point(self):
        """With webhook_hosts set, a url naming any other host is refused."""
        hub = Hub(MemoryStore(), Roster.default(), webhook_hosts=["127.0.0.1"])

        with pytest.raises(InvalidWebhook, match="wakes only these hosts: 127.0.0.1"):
            hub.set_webhook("redwood", url="http://gateway.example/hooks/wake")

        assert hub.set_webhook("redwood", url=URL).url == URL

    def test_a_stored_url_outside_webhook_hosts_is_not_woken(self, waker):
        """A url saved before webhook_hosts was set wakes nothing afterwards."""
        store = MemoryStore()
        Hub(store, Roster.default()).set_webhook("redwood", url="http://far.example/")
        hub = Hub(store, Roster.default(), waker=waker, webhook_hosts=["127.0.0.1"])

        hub.send(sender="bigc", to="redwood", text="hello")

        assert waker.calls == []

    def test_token_is_not_logged(self, hub, caplog):
        """Setting a webhook logs the change without the token."""
        caplog.set_level(logging.INFO, logger="forest_chat.core")

        hub.set_webhook("redwood", url=URL, token="s3cret-t0ken")

        assert "redwood" in caplog.text
        assert "s3cret-t0ken" not in caplog.text

    def test_record_wake(self, hub):
        """The outcome of a wake is kept with the bot's settings."""
        outcome = WakeOutcome(ok=True, at="2026-02-06T09:20:00+00:00", attempts=1)
        hub.set_webhook("redwood", url=URL)

        hub.record_wake("redwood", outcome)

        assert hub.webhooks()["redwood"].last_wake == outcome


class TestWake:
    def test_addressed_bot_is_woken(self, hub, waker):
        """A bot with a webhook is woken about a message to it."""
        hub.set_webhook("redwood", url=URL, token="tok")

        sent = hub.deliver(sender="bigc", to="redwood", text="hi")

        assert waker.calls == [
            (Participant("redwood", BOT), sent.message, Webhook(URL, "tok"))
        ]

    def test_woken_lists_the_bots(self, hub):
        """Sent.woken names the bots the hub woke."""
        hub.set_webhook("redwood", url=URL)

        sent = hub.deliver(sender="bigc", to="redwood", text="hi")

        assert sent.woken == ("redwood",)

    def test_broadcast_wakes_each_bot_once(self, hub, waker):
        """A human's broadcast wakes every bot with a webhook, once each."""
        hub.set_webhook("cypress", url=URL)
        hub.set_webhook("redwood", url=URL)

        sent = hub.deliver(sender="bigc", to="all", text="hi")

        assert waker.woken == ["cypress", "redwood"]
        assert sent.woken == ("cypress", "redwood")

    def test_sender_is_never_woken(self, hub, waker):
        """A bot's broadcast does not wake the bot that sent it."""
        hub.set_webhook("cypress", url=URL)
        hub.set_webhook("redwood", url=URL)

        hub.deliver(sender="cypress", to="all", text="hi")

        assert waker.woken == ["redwood"]

    def test_sender_writing_to_itself_is_not_woken(self, hub, waker):
        """A bot writing to itself is not woken by its own message."""
        hub.set_webhook("cypress", url=URL)

        sent = hub.deliver(sender="cypress", to="cypress", text="note")

        assert (waker.calls, sent.woken) == ([], ())

    def test_bot_without_a_url_is_not_woken(self, hub, waker):
        """A bot with only a token and no url is not woken."""
        hub.set_webhook("redwood", token="tok")

        hub.deliver(sender="bigc", to="redwood", text="hi")

        assert waker.calls == []

    def test_bot_never_configured_is_not_woken(self, hub, waker):
        """A bot with no saved settings is not woken."""
        sent = hub.deliver(sender="bigc", to="redwood", text="hi")

        assert (waker.calls, sent.woken) == ([], ())

    def test_human_is_never_woken(self, waker):
        """A human is not woken even if a store holds a webhook for them."""
        store = MemoryStore()
        store.update_webhook("matthew", {"url": URL})
        hub = Hub(store=store, roster=Roster.default(), waker=waker)

        hub.deliver(sender="bigc", to="matthew", text="hi")

        assert waker.calls == []

    def test_cc_copy_wakes_nobody(self, waker):
        """A CC copy to a bot operator does not wake the operator."""
        roster = Roster(
            [
                Participant("boss", BOT),
                Participant("ash", BOT),
                Participant("elm", BOT),
            ],
            operator="boss",
        )
        hub = Hub(store=MemoryStore(), roster=roster, waker=waker)
        for name in roster.names:
            hub.set_webhook(name, url=URL)

        sent = hub.deliver(sender="ash", to="elm", text="hi")

        assert len(sent.copies) == 1
        assert waker.woken == ["elm"]

    def test_no_waker_wakes_nobody(self):
        """A hub without a waker reports no bot woken."""
        hub = Hub(store=MemoryStore(), roster=Roster.default())
        hub.set_webhook("redwood", url=URL)

        sent = hub.deliver(sender="bigc", to="redwood", text="hi")

        assert sent.woken == ()

    def test_wakes_after_storing(self):
        """A bot is woken about a message it can already read."""
        seen = []

        class ReadingWaker(RecordingWaker):
            def wake(self, participant, message, webhook):
                seen.extend(m.id for m in hub.read(participant.name, mark=False))

        hub = Hub(store=MemoryStore(), roster=Roster.default(), waker=ReadingWaker())
        hub.set_webhook("redwood", url=URL)

        sent = hub.deliver(sender="bigc", to="redwood", text="hi")

        assert seen == [sent.message.id]

    def test_broadcast_skips_humans_and_bots_without_a_url(self, waker):
        """In a broadcast only the bots with a webhook url are woken."""
        roster = Roster(
            [
                Participant("ash", HUMAN),
                Participant("elm", BOT),
                Participant("fir", BOT),
            ],
            operator="ash",
        )
        hub = Hub(store=MemoryStore(), roster=roster, waker=waker)
        hub.set_webhook("elm", url=URL)

        sent = hub.deliver(sender="ash", to="all", text="hi")

        assert sent.woken == ("elm",)
