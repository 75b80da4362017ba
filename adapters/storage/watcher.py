"""Tell a process when another one has changed the store, without polling hard."""

import contextlib
import ctypes
import errno
import logging
import os
import select
import threading


log = logging.getLogger(__name__)

# From <sys/inotify.h>.
_IN_MOVED_TO = 0x00000080
_IN_ONLYDIR = 0x01000000


class ChangeWatcher:
    """Call on_change from one background thread whenever state() changes.

    state is a cheap function of files in folders, such as the last message
    id. On Linux the thread sleeps on inotify events for the folders (files
    are replaced by rename, so the folders are what to watch) and also checks
    once per safety_interval in case an event was missed. Elsewhere it checks
    state every poll_interval.
    """

    def __init__(
        self, folders, state, on_change, *, poll_interval=0.1, safety_interval=1.0
    ):
        self.folders = [os.fspath(folder) for folder in folders]
        self.pid = os.getpid()
        self._state = state
        self._on_change = on_change
        self._poll_interval = poll_interval
        self._safety_interval = safety_interval
        self._key = None
        self._inotify = None
        self._stop = None
        self._thread = None

    @property
    def uses_inotify(self):
        return self._inotify is not None

    def start(self):
        """Start watching; any change after start returns is reported."""
        self._key = self._current_key()
        try:
            self._inotify = _Inotify(self.folders)
        except OSError as error:
            log.info("inotify unavailable (%s); checking the store by stat", error)
        self._stop = os.pipe()
        self._thread = threading.Thread(
            target=self._run, name="forest-chat-store-watcher", daemon=True
        )
        self._thread.start()

    def close(self):
        """Stop the thread and release what it holds."""
        if self._thread is None:
            return
        os.write(self._stop[1], b"x")
        self._thread.join()
        for handle in self._stop:
            os.close(handle)
        if self._inotify is not None:
            self._inotify.close()
        self._thread = None

    def _run(self):
        poller = select.poll()
        poller.register(self._stop[0], select.POLLIN)
        if self._inotify is not None:
            poller.register(self._inotify.fileno(), select.POLLIN)
            interval = self._safety_interval
        else:
            interval = self._poll_interval

        while True:
            ready = {handle for handle, _ in poller.poll(interval * 1000)}
            if self._stop[0] in ready:
                return
            if self._inotify is not None and self._inotify.fileno() in ready:
                self._inotify.drain()
            key = self._current_key()
            if key != self._key:
                self._key = key
                try:
                    self._on_change()
                except Exception:
                    log.exception("change callback of the store watcher failed")

    def _current_key(self):
        try:
            return self._state()
        except Exception:
            # A file caught between writes reads again at the next check.
            log.exception("the store watcher could not read the store's state")
            return self._key


class _Inotify:
    """An inotify instance watching folders for files renamed into them."""

    def __init__(self, folders):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            init = libc.inotify_init1
            add_watch = libc.inotify_add_watch
        except (OSError, AttributeError) as error:
            raise OSError(errno.ENOSYS, "no inotify in this C library") from error
        init.argtypes = [ctypes.c_int]
        init.restype = ctypes.c_int
        add_watch.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        add_watch.restype = ctypes.c_int

        handle = init(os.O_NONBLOCK | os.O_CLOEXEC)
        if handle < 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code))
        mask = _IN_MOVED_TO | _IN_ONLYDIR
        for folder in folders:
            if add_watch(handle, os.fsencode(folder), mask) < 0:
                code = ctypes.get_errno()
                os.close(handle)
                raise OSError(code, os.strerror(code), folder)
        self._handle = handle

    def fileno(self):
        return self._handle

    def drain(self):
        """Read and drop every pending event; the caller looks at the file itself."""
        with contextlib.suppress(BlockingIOError):
            while os.read(self._handle, 65536):
                pass

    def close(self):
        os.close(self._handle)
