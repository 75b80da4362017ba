"""Uploaded files, kept in a folder under the names the hub gives them."""

import logging
import os
import re
import secrets
import tempfile
from pathlib import Path

from forest_chat.core import Attachment, FileStore
from forest_chat.core.errors import FileNotFound, TooLarge
from forest_chat.core.model import file_url
from forest_chat.core.naming import display_name, upload_name

log = logging.getLogger(__name__)

CHUNK = 64 * 1024

# The names served: ours, and those the original hub gave (werkzeug's
# secure_filename then "_<8 hex>", so dots in the stem and capitals in the
# extension), so files it left in uploads/ stay reachable. One plain name
# with no separator and no leading dot: never a way out of the folder, nor
# to a temporary file.
_SERVABLE = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,254}")


class UploadFolder(FileStore):
    """Keeps uploads in one folder, each written whole or not at all."""

    def __init__(self, folder, *, durable=True):
        self.folder = Path(folder)
        self.durable = durable
        self.folder.mkdir(parents=True, exist_ok=True)

    def save(self, stream, original_name, limit):
        filename = upload_name(original_name, secrets.token_hex(4))
        handle = tempfile.NamedTemporaryFile(
            dir=self.folder, prefix=".upload-", delete=False
        )
        try:
            size = self._copy(stream, handle, limit)
            if self.durable:
                handle.flush()
                os.fsync(handle.fileno())
            handle.close()
            os.replace(handle.name, self.folder / filename)
        except BaseException:
            handle.close()
            os.unlink(handle.name)
            raise

        log.info("stored upload %s (%d bytes)", filename, size)
        return Attachment(
            filename=filename,
            original_name=display_name(original_name),
            url=file_url(filename),
            size=size,
        )

    def exists(self, filename):
        servable = isinstance(filename, str) and _SERVABLE.fullmatch(filename)
        return bool(servable) and (self.folder / filename).is_file()

    def path(self, filename):
        if not self.exists(filename):
            raise FileNotFound(filename)
        return self.folder / filename

    def _copy(self, stream, handle, limit):
        size = 0
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise TooLarge(
                    f"the file is over the upload limit of {limit:,} bytes"
                )
            handle.write(chunk)
        return size
