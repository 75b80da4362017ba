"""Adapters: the stores, senders and entry points around the core."""
