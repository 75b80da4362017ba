"""One writer at a time across processes, and a note of whether it finished."""

import contextlib
import fcntl
import os

_BUSY = b"1"
_IDLE = b"0"


class ProcessLock:
    """An exclusive flock on a file, shared by every process that opens it.

    The file's first byte says whether the last holder was still writing when
    it let go: the kernel drops a dead process's lock, but not the byte, so
    the next holder learns that a write was cut short and can repair.

    flock excludes other open files, not other threads: callers hold a thread
    lock around it.
    """

    def __init__(self, path):
        self.path = os.fspath(path)
        self._handle = None
        self._pid = None

    @contextlib.contextmanager
    def hold(self):
        """Hold the lock; yield True when the previous holder stopped half way.

        The byte is reset only when the body returns normally, so an error
        half way through a write is repaired by the next holder too.
        """
        handle = self._open()
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            interrupted = os.pread(handle, 1, 0) == _BUSY
            os.pwrite(handle, _BUSY, 0)
            yield interrupted
            os.pwrite(handle, _IDLE, 0)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

    def close(self):
        if self._handle is not None and self._pid == os.getpid():
            os.close(self._handle)
        self._handle = None

    def _open(self):
        # A forked child shares the parent's open file, and flock would let
        # both hold it at once: each process opens the file for itself.
        if self._handle is None or self._pid != os.getpid():
            flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC
            self._handle = os.open(self.path, flags, 0o600)
            self._pid = os.getpid()
        return self._handle
