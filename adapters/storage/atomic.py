"""Replace files so that a crash leaves either the old or the new content."""

import contextlib
import os
import tempfile
import time

TEMP_SUFFIX = ".tmp"


def write_atomically(path, payload, *, durable=True):
    """Replace the file at path with payload (bytes); return the new file's stat.

    The bytes go to a temporary file in the same folder, which is renamed over
    path once written (and, when durable, flushed to disk). The rename is not
    itself synced: call sync_folder once the renames that must last are done.
    """
    folder, name = os.path.split(path)
    handle, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=TEMP_SUFFIX, dir=folder)

    try:
        with os.fdopen(handle, "wb") as file:
            file.write(payload)
            file.flush()
            # A nanosecond stamp of our own, so that readers revalidating by
            # stat never mistake a new file for the one they parsed: the
            # kernel's own stamps only move once per clock tick.
            stamp = time.time_ns()
            os.utime(file.fileno(), ns=(stamp, stamp))
            if durable:
                os.fsync(file.fileno())
            stat = os.fstat(file.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise

    return stat


def sync_folder(folder):
    """Flush a folder's entries to disk, so renames and unlinks in it last."""
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def remove_temp_files(folder):
    """Delete temporary files a crashed writer left in folder; return how many."""
    removed = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                    removed += 1
    return removed
