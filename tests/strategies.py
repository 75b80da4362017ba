"""Hypothesis strategies for Forest Chat's values, shared by every test package."""

import re
import string
from datetime import datetime, timedelta, timezone
from operator import add

from hypothesis import strategies as st

from forest_chat.core import (
    BOT,
    BROADCAST,
    HUMAN,
    Attachment,
    Draft,
    Message,
    Participant,
    Roster,
)

NAME_PATTERN = r"[a-z][a-z0-9_-]{0,31}"
NAME_FIRST = string.ascii_lowercase
NAME_REST = string.ascii_lowercase + string.digits + "_-"


def is_participant_name(value):
    """Tell whether value is a name the roster should accept, by the rules."""
    return (
        isinstance(value, str)
        and re.fullmatch(NAME_PATTERN, value) is not None
        and value != BROADCAST
    )


@st.composite
def mostly(draw, usual, unusual, odds=3):
    """Draw from usual odds times in odds + 1, else from unusual.

    st.one_of drops repeated branches, so repeating one cannot weight it.
    """
    if draw(st.integers(min_value=0, max_value=odds)) < odds:
        return draw(usual)
    return draw(unusual)


# Names --------------------------------------------------------------------


def names():
    """Draw a valid participant name: a lowercase identifier of 1 to 32 characters."""
    rest = st.text(alphabet=NAME_REST, max_size=31)
    return st.builds(add, st.sampled_from(NAME_FIRST), rest).filter(
        lambda name: name != BROADCAST
    )


def bad_names():
    """Draw a string the roster must refuse as a participant name."""
    known_bad = st.sampled_from(
        [
            "",
            BROADCAST,
            "Cypress",
            "1bot",
            "-bot",
            "_bot",
            "bot name",
            "bot.name",
            "bøt",
            "a" * 33,
            "cypress\n",
            "\ncypress",
            " cypress",
        ]
    )
    anything = st.text(max_size=40).filter(lambda text: not is_participant_name(text))
    return st.one_of(known_bad, anything)


def kinds():
    """Draw a participant kind."""
    return st.sampled_from([BOT, HUMAN])


@st.composite
def rosters(draw, min_size=1, max_size=6):
    """Draw a valid Roster with a mix of bots and humans and a random operator."""
    chosen = draw(st.lists(names(), min_size=min_size, max_size=max_size, unique=True))
    participants = [Participant(name, draw(kinds())) for name in chosen]
    return Roster(participants, operator=draw(st.sampled_from(chosen)))


def strangers(roster):
    """Draw a name that is not on roster and is not the broadcast address."""
    return st.one_of(
        st.sampled_from(["nobody", "Matthew", "ALL", "", " all"]),
        names(),
        st.text(max_size=12),
    ).filter(lambda name: name not in roster.names and name != BROADCAST)


# Texts --------------------------------------------------------------------


def blank_texts():
    """Draw text that counts as empty: nothing, or only whitespace."""
    return st.one_of(
        st.just(""),
        st.text(alphabet=" \t\n\r\x0b\x0c\u00a0\u2003\u3000", min_size=1, max_size=10),
    )


def texts(max_size=80):
    """Draw message text: unicode of every kind, blanks, and control characters."""
    return st.one_of(
        st.text(max_size=max_size),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=max_size),
        blank_texts(),
        st.sampled_from(["hi", "ünïcode ✓", "emoji 🌲🌲", "<b>bold</b>", "a\x00b"]),
    )


def filled_texts(max_size=80):
    """Draw message text that is not blank, so the hub accepts it on its own."""
    return st.one_of(
        st.text(min_size=1, max_size=max_size),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=max_size),
        st.sampled_from(["hi", "ünïcode ✓", "emoji 🌲🌲", "<b>bold</b>", "a\x00b"]),
    ).filter(str.strip)


# Attachments --------------------------------------------------------------


def filenames():
    """Draw a stored upload's file name as the hub hands them out."""
    stem = st.text(
        alphabet=string.ascii_letters + string.digits + "_-", min_size=1, max_size=16
    )
    suffix = st.one_of(
        st.just(""), st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=4)
    )
    return st.builds(
        lambda stem, suffix: f"{stem}.{suffix}" if suffix else stem, stem, suffix
    )


def original_names():
    """Draw a file name as a user's computer gives it: any text, paths, dots."""
    parts = st.text(max_size=20)
    return st.one_of(
        st.text(max_size=80),
        st.builds(lambda stem, ext: f"{stem}.{ext}", parts, parts),
        st.builds(lambda *names: "/".join(names), parts, parts, parts),
        st.builds(lambda *names: "\\".join(names), parts, parts),
        st.sampled_from(["", ".", "..", "../../etc/passwd", ".bashrc", "a.tar.gz"]),
    )


def upload_tokens():
    """Draw the eight hex digits that keep upload names apart."""
    return st.text(alphabet="0123456789abcdef", min_size=8, max_size=8)


@st.composite
def attachments(draw):
    """Draw an Attachment that names an upload on this hub."""
    filename = draw(filenames())
    return Attachment(
        filename=filename,
        original_name=draw(st.text(max_size=30)),
        url=f"/api/files/{filename}",
        size=draw(st.integers(min_value=0, max_value=25 * 1024 * 1024)),
    )


@st.composite
def attachment_inputs(draw):
    """Draw an attachment as a client gives it: an Attachment or a wire dict.

    Return (what the client sends, the Attachment the hub should keep).
    """
    attachment = draw(attachments())
    form = draw(st.sampled_from(["object", "full", "minimal"]))
    if form == "object":
        return attachment, attachment
    if form == "full":
        return attachment.to_wire(), attachment
    minimal = Attachment(
        filename=attachment.filename,
        original_name=attachment.filename,
        url=attachment.url,
        size=0,
    )
    return {"filename": attachment.filename}, minimal


@st.composite
def bad_attachment_items(draw):
    """Draw one attachment item the hub must refuse, and what is wrong with it."""
    good = draw(attachments()).to_wire()
    fault = draw(
        st.sampled_from(
            [
                "not an object",
                "no filename",
                "bad filename",
                "wrong url",
                "bad size",
                "bad original name",
            ]
        )
    )
    if fault == "not an object":
        item = draw(st.one_of(st.text(), st.integers(), st.none(), st.just([good])))
    elif fault == "no filename":
        item = {key: value for key, value in good.items() if key != "filename"}
    elif fault == "bad filename":
        item = {
            **good,
            "filename": draw(st.one_of(st.just(""), st.none(), st.integers())),
        }
    elif fault == "wrong url":
        url = draw(st.text(max_size=40).filter(lambda url: url != good["url"]))
        item = {**good, "url": url}
    elif fault == "bad size":
        size = draw(
            st.one_of(
                st.integers(max_value=-1),
                st.floats(),
                st.booleans(),
                st.text(max_size=5),
                st.none(),
            )
        )
        item = {**good, "size": size}
    else:
        name = draw(
            st.one_of(st.integers(), st.none(), st.lists(st.text(), max_size=1))
        )
        item = {**good, "original_name": name}
    return fault, item


# Times --------------------------------------------------------------------


def fixed_offsets():
    """Draw a time zone at a whole-minute offset from UTC, UTC included."""
    return st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(
        lambda minutes: timezone(timedelta(minutes=minutes))
    )


def aware_datetimes():
    """Draw an aware datetime in any fixed-offset time zone."""
    return st.datetimes(
        min_value=datetime(2000, 1, 2),
        max_value=datetime(2099, 12, 30),
        timezones=fixed_offsets(),
    )


def timestamps():
    """Draw a timestamp as the hub writes it: UTC, microseconds, with offset."""
    return st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2099, 12, 31),
        timezones=st.just(timezone.utc),
    ).map(lambda moment: moment.isoformat(timespec="microseconds"))


# Drafts and messages ------------------------------------------------------


@st.composite
def drafts(draw, roster=None):
    """Draw a Draft between participants of roster (any names when None)."""
    pool = st.sampled_from(roster.names) if roster is not None else names()
    sender = draw(pool)
    to = draw(st.one_of(pool, st.just(BROADCAST)))
    recipients = draw(st.lists(pool, max_size=6, unique=True))
    return Draft(
        sender=sender,
        to=to,
        text=draw(texts()),
        timestamp=draw(timestamps()),
        recipients=tuple(recipients),
        attachments=tuple(draw(st.lists(attachments(), max_size=3))),
    )


@st.composite
def messages(draw, ids=None):
    """Draw a stored Message with any delivery state."""
    return Message(
        id=draw(ids if ids is not None else st.integers(min_value=1, max_value=2**53)),
        sender=draw(names()),
        to=draw(st.one_of(names(), st.just(BROADCAST))),
        text=draw(texts(max_size=40)),
        timestamp=draw(timestamps()),
        delivered_to=draw(st.dictionaries(names(), st.booleans(), max_size=4)),
        attachments=tuple(draw(st.lists(attachments(), max_size=2))),
    )


def wire_messages():
    """Draw a message in the API's JSON shape, every field present."""
    return messages().map(lambda message: message.to_wire())


# Traffic ------------------------------------------------------------------


@st.composite
def traffic(draw, max_size=15):
    """Draw a roster and sends (sender, to, text) between its participants.

    Some texts are blank, which the hub refuses as empty.
    """
    roster = draw(rosters())
    sends = draw(
        st.lists(
            st.tuples(
                st.sampled_from(roster.names),
                st.sampled_from([*roster.names, BROADCAST]),
                texts(max_size=20),
            ),
            max_size=max_size,
        )
    )
    return roster, sends
