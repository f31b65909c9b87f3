"""botbuilder's connector, delivered by `ReplySender`: what `CloudAdapter` calls to send a reply.

botbuilder 4.17.1's own `ConnectorClient` posts with `requests` on the default thread pool; this
stand-in has the same `conversations.*` methods and goes through the shared aiohttp session.
"""

from __future__ import annotations

from typing import Any

from botbuilder.schema import Activity, ResourceResponse
from botframework.connector.auth.connector_factory import ConnectorFactory

from .sender import ReplySender


class _Conversations:
    def __init__(self, sender: ReplySender, service_url: str) -> None:
        self._sender = sender
        self._service_url = service_url

    async def reply_to_activity(
        self, conversation_id: str, activity_id: str, activity: Activity, **_: Any
    ) -> ResourceResponse:
        answer = await self._sender.reply_to_activity(
            self._service_url, conversation_id, activity_id, activity.serialize()
        )
        return ResourceResponse(id=str(answer.get("id") or ""))

    async def send_to_conversation(self, conversation_id: str, activity: Activity, **_: Any) -> ResourceResponse:
        answer = await self._sender.send_to_conversation(self._service_url, conversation_id, activity.serialize())
        return ResourceResponse(id=str(answer.get("id") or ""))

    async def update_activity(
        self, conversation_id: str, activity_id: str, activity: Activity, **_: Any
    ) -> ResourceResponse:
        answer = await self._sender.update_activity(
            self._service_url, conversation_id, activity_id, activity.serialize()
        )
        return ResourceResponse(id=str(answer.get("id") or activity_id))

    async def delete_activity(self, conversation_id: str, activity_id: str, **_: Any) -> None:
        await self._sender.delete_activity(self._service_url, conversation_id, activity_id)


class SenderConnector:
    """The part of botbuilder's `ConnectorClient` a turn uses: `conversations`."""

    def __init__(self, sender: ReplySender, service_url: str) -> None:
        self.conversations = _Conversations(sender, service_url)


class SenderConnectorFactory(ConnectorFactory):
    def __init__(self, sender: ReplySender) -> None:
        self.sender = sender

    async def create(self, service_url: str, audience: str | None = None) -> SenderConnector:
        return SenderConnector(self.sender, service_url)
