"""ReplySender: one aiohttp session, a deadline on every call, the bot's token cached until near expiry."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from aiohttp import web

from bot.teams.sender import (
    ChannelError,
    ClientCredentialsToken,
    ManagedIdentityToken,
    ReplySender,
    ServiceUrlRefused,
    TokenError,
)


class StandIn:
    """A channel at /v3/conversations/... and the token endpoints, on loopback."""

    def __init__(self, expires_in: int = 3599) -> None:
        self.expires_in = expires_in
        self.token_calls: list[dict[str, Any]] = []
        self.posts: list[tuple[str, str, str]] = []
        self.hang = asyncio.Event()
        self.hanging = False

    async def token(self, request: web.Request) -> web.Response:
        self.token_calls.append(dict(await request.post()) | dict(request.query))
        return web.json_response({"access_token": f"token-{len(self.token_calls)}", "expires_in": self.expires_in})

    async def identity(self, request: web.Request) -> web.Response:
        self.token_calls.append({**request.query, "header": request.headers.get("X-IDENTITY-HEADER", "")})
        expires_on = str(int(time.time()) + self.expires_in)
        return web.json_response({"access_token": f"msi-{len(self.token_calls)}", "expires_on": expires_on})

    async def activities(self, request: web.Request) -> web.Response:
        if self.hanging:
            await self.hang.wait()
        self.posts.append((request.method, request.raw_path, request.headers.get("Authorization", "")))
        return web.json_response({"id": f"sent-{len(self.posts)}"})


@pytest.fixture
async def stand_in(aiohttp_server) -> tuple[StandIn, str]:
    peer = StandIn()
    app = web.Application()
    app.router.add_post("/{tenant}/oauth2/v2.0/token", peer.token)
    app.router.add_get("/msi/token", peer.identity)
    app.router.add_route("*", r"/v3/conversations/{tail:.+}", peer.activities)
    server = await aiohttp_server(app)
    return peer, str(server.make_url("")).rstrip("/")


async def test_replies_share_one_cached_token_and_encode_ids(stand_in) -> None:
    peer, base = stand_in
    tokens = ClientCredentialsToken("app", "secret", "tenant", timeout=5, authority=base)
    sender = ReplySender(tokens, timeout=5)
    try:
        for n in range(3):
            answer = await sender.reply_to_activity(f"{base}/", "19:a/b@thread", f"act {n}", {"type": "message"})
            assert answer == {"id": f"sent-{n + 1}"}
        await sender.update_activity(f"{base}/", "c", "x", {"type": "message"})
        await sender.delete_activity(f"{base}/", "c", "x")
    finally:
        await sender.close()
    assert len(peer.token_calls) == 1 and peer.token_calls[0]["client_secret"] == "secret"
    assert [p[2] for p in peer.posts] == ["Bearer token-1"] * 5
    assert peer.posts[0][:2] == ("POST", "/v3/conversations/19%3Aa%2Fb%40thread/activities/act%200")
    assert [p[0] for p in peer.posts[3:]] == ["PUT", "DELETE"]
    assert "secret" not in repr(tokens)


async def test_a_token_close_to_expiry_is_fetched_again(stand_in) -> None:
    peer, base = stand_in
    peer.expires_in = 120  # inside the five-minute margin: never reused
    sender = ReplySender(ClientCredentialsToken("app", "secret", "tenant", timeout=5, authority=base), timeout=5)
    try:
        for _ in range(2):
            await sender.send_to_conversation(f"{base}/", "c", {"type": "message"})
    finally:
        await sender.close()
    assert len(peer.token_calls) == 2 and [p[2] for p in peer.posts] == ["Bearer token-1", "Bearer token-2"]


async def test_user_assigned_managed_identity_uses_the_app_service_endpoint(stand_in) -> None:
    peer, base = stand_in
    env = {"IDENTITY_ENDPOINT": f"{base}/msi/token", "IDENTITY_HEADER": "header-value"}
    sender = ReplySender(ManagedIdentityToken("client-id", timeout=5, env=env), timeout=5)
    try:
        await sender.send_to_conversation(f"{base}/", "c", {"type": "message"})
        await sender.send_to_conversation(f"{base}/", "c", {"type": "message"})
    finally:
        await sender.close()
    assert len(peer.token_calls) == 1
    assert peer.token_calls[0]["client_id"] == "client-id" and peer.token_calls[0]["header"] == "header-value"
    assert peer.token_calls[0]["resource"] == "https://api.botframework.com"
    assert peer.posts[-1][2] == "Bearer msi-1"


async def test_every_call_has_a_deadline_and_refusals_never_connect(stand_in) -> None:
    peer, base = stand_in
    peer.hanging = True
    sender = ReplySender(timeout=0.5, allow=lambda url: url.startswith(base))
    try:
        started = time.perf_counter()
        with pytest.raises(ChannelError, match="could not reach the channel"):
            await sender.send_to_conversation(f"{base}/", "c", {"type": "message"})
        assert time.perf_counter() - started < 3
        with pytest.raises(ServiceUrlRefused):
            await sender.send_to_conversation("http://metadata.invalid/", "c", {"type": "message"})
        with pytest.raises(ServiceUrlRefused):
            await sender.send_to_conversation("file:///etc/passwd", "c", {"type": "message"})
        missing = ReplySender(ManagedIdentityToken("client-id", timeout=1, env={}), timeout=1)
        with pytest.raises(TokenError):
            await missing.send_to_conversation(f"{base}/", "c", {"type": "message"})
        await missing.close()
    finally:
        peer.hang.set()
        await sender.close()
