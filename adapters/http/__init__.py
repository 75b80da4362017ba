"""The HTTP adapter: Forest Chat's REST API and web page on Falcon."""

from .app import create_app

__all__ = ["create_app"]
