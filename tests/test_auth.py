"""With an app id set, only requests with a valid Bot Framework token run a turn. Tested offline:
a self-signed RS256 token whose key is pre-loaded into botbuilder's OpenID metadata cache."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import aiohttp
import jwt
import pytest
from aiohttp import web
from botframework.connector.auth import AuthenticationConstants
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bot.settings import Settings, SettingsError
from bot.teams.auth import SigningKeys
from bot.teams.sender import ClientCredentialsToken, ReplySender
from bot.teams.server import SERVICE, create_app

from .test_server import channel, message  # noqa: F401  (the stand-in channel fixture)

pytestmark = pytest.mark.model
APP_ID = "00000000-0000-0000-0000-0000000000ab"
TENANT_ID = "11111111-1111-1111-1111-111111111111"
KEY_ID = "test-key"


@pytest.fixture(scope="module")
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwk(signing_key: rsa.RSAPrivateKey, kid: str = KEY_ID) -> dict[str, Any]:
    jwk = json.loads(RSAAlgorithm.to_jwk(signing_key.public_key()))
    jwk.update({"kid": kid, "endorsements": ["msteams", "webchat"]})
    return jwk


@pytest.fixture
def trusted_key(signing_key) -> SigningKeys:
    """Signing keys that trust our key for tokens from the Bot Framework channel: no network."""
    keys = SigningKeys(lambda: aiohttp.ClientSession(), timeout=5)
    keys.load(AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL, [public_jwk(signing_key)])
    return keys


def token(signing_key, service_url: str, **overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": "https://api.botframework.com",
        "aud": APP_ID,
        "serviceurl": service_url,
        "nbf": now - 60,
        "exp": now + 3600,
        **overrides,
    }
    return jwt.encode(claims, signing_key, algorithm="RS256", headers={"kid": KEY_ID})


class TokenEndpoint:
    """A stand-in for Microsoft Entra ID's token endpoint (client-credentials grant)."""

    def __init__(self) -> None:
        self.forms: list[dict[str, str]] = []

    async def token(self, request: web.Request) -> web.Response:
        self.forms.append(dict(await request.post()))  # type: ignore[arg-type]
        return web.json_response({"access_token": "bot-token", "expires_in": 3599, "token_type": "Bearer"})


@pytest.fixture
async def token_endpoint(aiohttp_server) -> tuple[TokenEndpoint, str]:
    endpoint = TokenEndpoint()
    app = web.Application()
    app.router.add_post("/{tenant}/oauth2/v2.0/token", endpoint.token)
    server = await aiohttp_server(app)
    return endpoint, str(server.make_url("")).rstrip("/")


def secured_settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env(
        {
            "ROLEBOT_DATA_DIR": str(tmp_path / "data"),
            "MicrosoftAppId": APP_ID,
            "MicrosoftAppPassword": "not-a-real-secret",
            "MicrosoftAppType": "SingleTenant",
            "MicrosoftAppTenantId": TENANT_ID,
            **env,
        }
    )


@pytest.fixture
async def secured(aiohttp_client, model_runtime, tmp_path: Path, token_endpoint, trusted_key):
    _, authority = token_endpoint
    settings = secured_settings(tmp_path)
    tokens = ClientCredentialsToken(APP_ID, "not-a-real-secret", TENANT_ID, timeout=5, authority=authority)
    sender = ReplySender(tokens, timeout=5)
    trusted_key._session = lambda: sender.session
    return await aiohttp_client(create_app(settings, model_runtime, sender=sender, keys=trusted_key))


async def test_valid_token_runs_the_turn(secured, channel, trusted_key, signing_key, token_endpoint) -> None:  # noqa: F811
    stand_in, url = channel
    endpoint, _ = token_endpoint
    headers = {"Authorization": f"Bearer {token(signing_key, url)}"}
    response = await secured.post(
        "/api/messages", json=message("what level is the strategic manager?", url), headers=headers
    )
    assert response.status == 201
    assert "career framework level 8" in stand_in.messages()[0]["text"]
    assert stand_in.auth_headers[-1] == "Bearer bot-token"
    # The bot's own token came from the token endpoint once (cached for the typing activity and the answer).
    assert len(endpoint.forms) == 1
    assert endpoint.forms[0]["client_id"] == APP_ID and endpoint.forms[0]["grant_type"] == "client_credentials"
    assert endpoint.forms[0]["scope"] == "https://api.botframework.com/.default"


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer garbage", "Basic dXNlcjpwYXNz", "Bearer a.b.c"],
)
async def test_missing_or_garbage_tokens_are_401(secured, channel, trusted_key, authorization) -> None:  # noqa: F811
    stand_in, url = channel
    headers = {} if authorization is None else {"Authorization": authorization}
    response = await secured.post("/api/messages", json=message("what level is it?", url), headers=headers)
    assert response.status == 401
    assert await response.json() == {"error": "a valid Bot Framework token is required"}
    assert stand_in.received == []


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": int(time.time()) - 3600, "nbf": int(time.time()) - 7200},
        {"aud": "someone-else"},
        {"iss": "https://evil.example"},
        {"serviceurl": "http://127.0.0.1:1/other/"},
    ],
    ids=["expired", "wrong-audience", "wrong-issuer", "serviceurl-mismatch"],
)
async def test_invalid_tokens_are_401(secured, channel, trusted_key, signing_key, claims) -> None:  # noqa: F811
    stand_in, url = channel
    headers = {"Authorization": f"Bearer {token(signing_key, url, **claims)}"}
    response = await secured.post("/api/messages", json=message("what level is it?", url), headers=headers)
    assert response.status == 401
    assert stand_in.received == []


async def test_token_signed_by_another_key_is_401(secured, channel, trusted_key) -> None:  # noqa: F811
    stand_in, url = channel
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    headers = {"Authorization": f"Bearer {token(other, url)}"}
    response = await secured.post("/api/messages", json=message("what level is it?", url), headers=headers)
    assert response.status == 401 and stand_in.received == []


def test_incomplete_single_tenant_settings_fail_at_start(tmp_path: Path) -> None:
    settings = Settings.from_env({"ROLEBOT_DATA_DIR": str(tmp_path), "APP_ID": APP_ID, "APP_TYPE": "SingleTenant"})
    with pytest.raises(SettingsError, match="APP_PASSWORD"):
        create_app(settings)


def test_secrets_never_print() -> None:
    settings = Settings.from_env({"APP_PASSWORD": "hunter2-secret"})
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings)
    assert settings.describe()["APP_PASSWORD"] == "***"
    with pytest.raises(SettingsError) as info:
        Settings.from_env({"APP_TYPE": "Nonsense"})
    assert "APP_TYPE='Nonsense'" in str(info.value)


# Hardening (issue 10): each test below failed on the code before it.


async def test_a_token_without_an_issuer_is_401(secured, channel, trusted_key, signing_key) -> None:  # noqa: F811
    stand_in, url = channel
    claims = {"aud": APP_ID, "serviceurl": url, "exp": int(time.time()) + 3600}
    unsigned_issuer = jwt.encode(claims, signing_key, algorithm="RS256", headers={"kid": KEY_ID})
    for bad in (
        unsigned_issuer,
        token(signing_key, url, iss=""),
        token(signing_key, url, iss="https://api.botframework.com.evil"),
    ):
        headers = {"Authorization": f"Bearer {bad}"}
        response = await secured.post("/api/messages", json=message("what level is it?", url), headers=headers)
        assert response.status == 401
    assert stand_in.received == []


@pytest.mark.parametrize(
    "body",
    [b"[" * 1000 + b"]" * 1000, b"{not json", b'{"type": 5}', json.dumps({"text": "x" * 1000}).encode()],
    ids=["deep", "malformed", "mutated", "no-activity"],
)
async def test_the_token_is_checked_before_the_body_is_read(secured, channel, trusted_key, body, caplog) -> None:  # noqa: F811
    for authorization in ({}, {"Authorization": "Bearer a.b.c"}):
        headers = {"Content-Type": "application/json", **authorization}
        response = await secured.post("/api/messages", data=body, headers=headers)
        assert response.status == 401
    # Not even the content type is looked at without a token.
    assert (await secured.post("/api/messages", data=b"hi", headers={"Content-Type": "text/plain"})).status == 401
    assert not [r for r in caplog.records if r.exc_info]


async def test_an_unreachable_key_endpoint_never_blocks_the_loop(
    secured,
    channel,  # noqa: F811
    trusted_key,
    aiohttp_server,
    caplog,
) -> None:
    # A forged token with an unknown key id and an allowed issuer makes the bot fetch the keys. While
    # the key endpoint hangs, /healthz and properly signed turns go on.
    stand_in, url = channel
    release = asyncio.Event()
    fetches: list[str] = []

    async def hang(request: web.Request) -> web.Response:
        fetches.append(request.path)
        await release.wait()
        return web.json_response({})

    keys_app = web.Application()
    keys_app.router.add_get("/{tail:.*}", hang)
    key_server = await aiohttp_server(keys_app)
    service = secured.app[SERVICE]
    service.keys.timeout = 2.0
    hanging_url = str(key_server.make_url("/.well-known/openid-configuration"))
    service.issuers["https://api.botframework.com"] = hanging_url
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(
        {"iss": "https://api.botframework.com", "aud": APP_ID, "serviceurl": url, "exp": int(time.time()) + 60},
        other,
        algorithm="RS256",
        headers={"kid": "unknown-key"},
    )
    try:
        pending = [
            asyncio.create_task(
                secured.post("/api/messages", json=message("hi", url), headers={"Authorization": f"Bearer {forged}"})
            )
            for _ in range(5)
        ]
        await asyncio.sleep(0.2)
        for _ in range(5):
            started = time.perf_counter()
            response = await asyncio.wait_for(secured.get("/healthz"), 1.0)
            assert response.status == 200 and time.perf_counter() - started < 1.0
        assert fetches == ["/.well-known/openid-configuration"]  # one fetch, shared
        assert [r.status for r in await asyncio.gather(*pending)] == [401] * 5  # after the fetch's timeout
        # A second forged token soon after does not fetch again (at most every 5 minutes).
        response = await secured.post(
            "/api/messages", json=message("hi", url), headers={"Authorization": f"Bearer {forged}"}
        )
        assert response.status == 401 and len(fetches) == 1
        assert "could not fetch the Bot Framework signing keys" in caplog.text
        assert stand_in.received == []
    finally:
        release.set()


async def test_signing_keys_are_fetched_with_aiohttp(aiohttp_server, signing_key) -> None:
    from bot.teams.auth import SigningKeys

    jwk = public_jwk(signing_key, "k1")
    app = web.Application()
    server: Any = None

    async def metadata(request: web.Request) -> web.Response:
        return web.json_response({"jwks_uri": str(server.make_url("/keys"))})

    async def keys(request: web.Request) -> web.Response:
        return web.json_response({"keys": [jwk]})

    app.router.add_get("/openid", metadata)
    app.router.add_get("/keys", keys)
    server = await aiohttp_server(app)
    async with aiohttp.ClientSession() as session:
        store = SigningKeys(lambda: session, timeout=5)
        url = str(server.make_url("/openid"))
        assert await store.ensure(url, "k1") == jwk
        assert await store.ensure(url, "k2") is None  # unknown: no second fetch within five minutes
        assert store.age(url) is not None


async def test_a_secured_turn_never_uses_blocking_requests(
    secured,
    channel,  # noqa: F811
    trusted_key,
    signing_key,
    monkeypatch,
) -> None:
    # botbuilder's own key fetch and connector use `requests` (blocking, on the loop or the default
    # thread pool); neither may run for a turn.
    import requests

    def blocked(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a blocking requests call was made")

    monkeypatch.setattr(requests.Session, "request", blocked)
    monkeypatch.setattr(requests, "get", blocked)
    stand_in, url = channel
    headers = {"Authorization": f"Bearer {token(signing_key, url)}"}
    response = await secured.post(
        "/api/messages", json=message("what level is the engagement worker?", url), headers=headers
    )
    assert response.status == 201 and "career framework level 4" in stand_in.messages()[0]["text"]
