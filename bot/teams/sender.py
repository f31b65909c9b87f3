"""Outbound replies: one long-lived aiohttp session, a timeout on every call, nothing on a thread.

botbuilder builds the activities and checks the tokens; this module only delivers. `ReplySender` is
the seam: the channel layer hands it to botbuilder's `CloudAdapter` as a connector (see
`SenderConnectorFactory`), so `turn_context.send_activity(...)` ends in `ReplySender.post`.

    >>> sender = ReplySender(NoToken(), timeout=15)
    >>> await sender.send_to_conversation("https://smba.trafficmanager.net/emea/", "conv-1", activity)
    >>> await sender.close()

A channel that is slow for one conversation holds only that conversation's reply: the session keeps
many connections open (keep-alive), every call has a deadline, and a reply never waits on a thread
pool. With an app id, the bot's access token is fetched with the same session and cached until
five minutes before it expires.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import aiohttp
from yarl import URL

log = logging.getLogger(__name__)

BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"
BOT_FRAMEWORK_RESOURCE = "https://api.botframework.com"
LOGIN_AUTHORITY = "https://login.microsoftonline.com"
TOKEN_REFRESH_MARGIN = 300.0  # seconds before expiry at which a cached token is renewed


class ChannelError(Exception):
    """A reply could not be delivered to the channel (timeout, refused connection, error status)."""


class ServiceUrlRefused(ChannelError):
    """The activity's serviceUrl is not one this bot may post to."""


class TokenError(ChannelError):
    """The bot's own access token could not be obtained."""


class TokenSource:
    """Where the bot's outbound access token comes from. None: send no Authorization header."""

    async def token(self, session: aiohttp.ClientSession) -> str | None:
        return None


class NoToken(TokenSource):
    """Local mode: replies carry no credentials."""


class _CachedToken(TokenSource):
    """Caches a token until `TOKEN_REFRESH_MARGIN` before expiry; one fetch at a time."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock: asyncio.Lock | None = None

    async def token(self, session: aiohttp.ClientSession) -> str | None:
        if self._token and time.time() < self._expires_at - TOKEN_REFRESH_MARGIN:
            return self._token
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._token and time.time() < self._expires_at - TOKEN_REFRESH_MARGIN:
                return self._token
            try:
                token, expires_at = await asyncio.wait_for(self._fetch(session), self.timeout)
            except (aiohttp.ClientError, TimeoutError, ValueError, KeyError, TypeError) as exc:
                raise TokenError(f"could not obtain the bot's access token: {type(exc).__name__}") from None
            self._token, self._expires_at = token, expires_at
            return token

    async def _fetch(self, session: aiohttp.ClientSession) -> tuple[str, float]:
        raise NotImplementedError


class ClientCredentialsToken(_CachedToken):
    """SingleTenant (and MultiTenant): the client-credentials grant against Microsoft Entra ID."""

    def __init__(self, app_id: str, password: str, tenant: str, timeout: float, authority: str = LOGIN_AUTHORITY):
        super().__init__(timeout)
        self.app_id = app_id
        self._password = password
        self.token_url = f"{authority.rstrip('/')}/{tenant or 'botframework.com'}/oauth2/v2.0/token"

    def __repr__(self) -> str:  # never the secret
        return f"ClientCredentialsToken(app_id={self.app_id!r}, token_url={self.token_url!r})"

    async def _fetch(self, session: aiohttp.ClientSession) -> tuple[str, float]:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.app_id,
            "client_secret": self._password,
            "scope": BOT_FRAMEWORK_SCOPE,
        }
        async with session.post(self.token_url, data=form) as response:
            data = await response.json(content_type=None)
            if response.status != 200 or not isinstance(data, dict) or "access_token" not in data:
                error = data.get("error") if isinstance(data, dict) else None
                raise TokenError(f"the token endpoint answered {response.status} ({error or 'no token'})")
            return str(data["access_token"]), time.time() + float(data.get("expires_in", 3600))


class ManagedIdentityToken(_CachedToken):
    """UserAssignedMSI on App Service / Container Apps: the local identity endpoint they provide."""

    def __init__(self, client_id: str, timeout: float, env: dict[str, str] | None = None) -> None:
        super().__init__(timeout)
        env = dict(os.environ) if env is None else env
        self.client_id = client_id
        self.endpoint = env.get("IDENTITY_ENDPOINT", "")
        self._header = env.get("IDENTITY_HEADER", "")

    async def _fetch(self, session: aiohttp.ClientSession) -> tuple[str, float]:
        if not self.endpoint:
            raise TokenError("UserAssignedMSI needs IDENTITY_ENDPOINT (App Service or Container Apps)")
        params = {"resource": BOT_FRAMEWORK_RESOURCE, "api-version": "2019-08-01", "client_id": self.client_id}
        async with session.get(self.endpoint, params=params, headers={"X-IDENTITY-HEADER": self._header}) as response:
            data = await response.json(content_type=None)
            if response.status != 200 or not isinstance(data, dict) or "access_token" not in data:
                raise TokenError(f"the managed identity endpoint answered {response.status}")
            return str(data["access_token"]), float(data.get("expires_on", time.time() + 3600))


class ReplySender:
    """Posts activities to a channel's `serviceUrl` with one shared, keep-alive aiohttp session.

    `allow(service_url)` decides where replies may go (local mode: loopback only). Every call has
    `timeout` seconds in all (connecting, sending, reading the answer)."""

    def __init__(
        self,
        tokens: TokenSource | None = None,
        timeout: float = 15.0,
        allow: Callable[[str], bool] | None = None,
        max_connections: int = 256,
    ) -> None:
        self.tokens = tokens or NoToken()
        self.timeout = timeout
        self.allow = allow or (lambda url: True)
        self.max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        """The shared session, made on first use inside the running event loop."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self.max_connections, limit_per_host=0, keepalive_timeout=60)
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(total=self.timeout, connect=min(5.0, self.timeout)),
                headers={"User-Agent": "rolebot"},
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def post(self, service_url: str, path: str, body: dict[str, Any], method: str = "POST") -> dict[str, Any]:
        """One call to the channel; the parsed JSON answer ({} when it has none)."""
        if not isinstance(service_url, str) or not service_url.startswith(("http://", "https://")):
            raise ServiceUrlRefused("the serviceUrl is not an http(s) URL")
        if not self.allow(service_url):
            raise ServiceUrlRefused("the serviceUrl is not allowed")
        url = URL(service_url.rstrip("/") + path, encoded=True)
        session = self.session
        headers = {"Content-Type": "application/json; charset=utf-8"}
        token = await self.tokens.token(session)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            async with session.request(method, url, json=body, headers=headers) as response:
                text = await response.text()
                if response.status >= 400:
                    raise ChannelError(f"the channel answered {response.status} to {method} {path.split('/')[1]}")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise ChannelError(f"could not reach the channel: {type(exc).__name__}") from None
        if not text.strip():
            return {}
        try:
            data = json.loads(text)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    @staticmethod
    def _activities_path(conversation_id: str, activity_id: str | None = None) -> str:
        path = f"/v3/conversations/{quote(conversation_id, safe='')}/activities"
        return path + (f"/{quote(activity_id, safe='')}" if activity_id else "")

    async def reply_to_activity(
        self, service_url: str, conversation_id: str, activity_id: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        return await self.post(service_url, self._activities_path(conversation_id, activity_id), body)

    async def send_to_conversation(
        self, service_url: str, conversation_id: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        return await self.post(service_url, self._activities_path(conversation_id), body)

    async def update_activity(
        self, service_url: str, conversation_id: str, activity_id: str, body: dict[str, Any]
    ) -> dict[str, Any]:
        return await self.post(service_url, self._activities_path(conversation_id, activity_id), body, method="PUT")

    async def delete_activity(self, service_url: str, conversation_id: str, activity_id: str) -> None:
        await self.post(service_url, self._activities_path(conversation_id, activity_id), {}, method="DELETE")
