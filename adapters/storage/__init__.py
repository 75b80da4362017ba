"""The embedded message store: TinyDB files, safe across processes and crashes."""

from .tinydb_store import TinyDBMessageStore

__all__ = ["TinyDBMessageStore"]
