"""Helpers for the page tests: the hub's API as a test sees it, and test images."""

import struct
import zlib

import requests

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips or fails with the reason
    expect = None


class HubApi:
    """Talk to a running hub the way a bot or script would."""

    def __init__(self, url):
        self.url = url

    def send(self, sender, to, text="", attachments=()):
        answer = requests.post(
            f"{self.url}/api/send",
            json={
                "from": sender,
                "to": to,
                "message": text,
                "attachments": list(attachments),
            },
            timeout=10,
        )
        answer.raise_for_status()
        return answer.json()["message"]

    def upload(self, name, data):
        answer = requests.post(
            f"{self.url}/api/upload", files={"file": (name, data)}, timeout=10
        )
        answer.raise_for_status()
        body = answer.json()
        return {key: body[key] for key in ("filename", "original_name", "url", "size")}

    def read(self, reader):
        answer = requests.get(
            f"{self.url}/api/read", params={"for": reader}, timeout=10
        )
        answer.raise_for_status()
        return answer.json()

    def messages(self, **params):
        answer = requests.get(f"{self.url}/api/messages", params=params, timeout=10)
        answer.raise_for_status()
        return answer.json()

    def last_message(self):
        return self.messages(limit=1)[0]

    def config(self):
        answer = requests.get(f"{self.url}/api/config", timeout=10)
        answer.raise_for_status()
        return answer.json()

    def set_config(self, **change):
        answer = requests.post(f"{self.url}/api/config", json=change, timeout=10)
        answer.raise_for_status()


def png(width, height, paint):
    """Return a PNG image whose pixel (x, y) has the (r, g, b) colour paint gives."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(paint(x, y)) for x in range(width))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows, 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind, data):
    checksum = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)


def leaf_green(x, y):
    """Paint a small green swatch, for a test image that is just an image."""
    return (40 + x % 64, 120 + y % 96, 70)


def bar_chart(width=480, height=240):
    """Return a PNG of a small bar chart, the kind of image a bot shares."""
    bars = [0.34, 0.52, 0.47, 0.68, 0.81, 0.93]
    slot = width // len(bars)

    def paint(x, y):
        background = (19, 34, 27) if y % 40 else (34, 56, 44)
        if y >= height - 20 or y < 12:
            return (19, 34, 27)
        index, offset = divmod(x, slot)
        top = height - 20 - int(bars[min(index, len(bars) - 1)] * (height - 40))
        if not (slot * 0.2 < offset < slot * 0.8 and y >= top):
            return background
        depth = (y - top) / max(1, height - 20 - top)
        return (int(110 - 50 * depth), int(200 - 80 * depth), int(135 - 50 * depth))

    return png(width, height, paint)
