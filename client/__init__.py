"""A Python client for the Forest Chat REST API.

from forest_chat.client import Client

with Client("http://127.0.0.1:5001") as hub:
    hub.send("bigc", "cypress", "Run diagnostics please.")
    for message in hub.listen("cypress"):
        print(message.sender, message.text)
"""

from .api import DEFAULT_URL, Client, WebhookStatus
from .errors import ForestChatClientError

__all__ = ["DEFAULT_URL", "Client", "ForestChatClientError", "WebhookStatus"]
