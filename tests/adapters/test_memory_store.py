import pytest

from forest_chat.adapters.memory import MemoryStore

from .store_contract import StoreContract


class TestMemoryStore(StoreContract):
    @pytest.fixture
    def store(self):
        return MemoryStore()
