"""Names for uploaded files: safe on any file system and in any URL."""

import re
import unicodedata

MAX_STEM = 60
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_EXTENSION = re.compile(r"^[a-z0-9]{1,10}$")
_STORED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,80}_[0-9a-f]{8}(\.[a-z0-9]{1,10})?$")


def upload_name(original_name, token):
    """Return ``<safe stem>_<token>.<ext>`` for a file called original_name.

    token is eight hex digits that keep names apart.
    """
    base = re.split(r"[\\/]", original_name)[-1]
    stem, dot, extension = base.rpartition(".")
    if not dot or not stem.strip("."):
        stem, extension = base, ""

    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = _UNSAFE.sub("_", stem).strip("_-")[:MAX_STEM].strip("_-") or "file"
    extension = extension.lower()
    suffix = f".{extension}" if _EXTENSION.fullmatch(extension) else ""
    return f"{stem}_{token}{suffix}"


def is_upload_name(filename):
    """Tell whether filename has the shape upload_name gives, and nothing more."""
    return isinstance(filename, str) and bool(_STORED.fullmatch(filename))


def display_name(original_name, limit=255):
    """Return the last path part of original_name, at most limit characters."""
    base = re.split(r"[\\/]", original_name)[-1].replace("\x00", "").strip()
    return (base or "file")[:limit]
