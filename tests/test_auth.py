"""With an app id set, only requests with a valid Bot Framework token run a turn. Tested offline:
a self-signed RS256 token whose key is pre-loaded into botbuilder's OpenID metadata cache."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from aiohttp import web
from botframework.connector.auth import AuthenticationConstants
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bot.settings import Settings, SettingsError
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
def trusted_key(signing_key, secured) -> None:
    """Make the bot trust our key for tokens from the Bot Framework channel, without the network."""
    secured.app[SERVICE].keys.load(
        AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL, [public_jwk(signing_key)]
    )


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
async def secured(aiohttp_client, model_runtime, tmp_path: Path, token_endpoint):
    _, authority = token_endpoint
    settings = secured_settings(tmp_path)
    tokens = ClientCredentialsToken(APP_ID, "not-a-real-secret", TENANT_ID, timeout=5, authority=authority)
    return await aiohttp_client(create_app(settings, model_runtime, sender=ReplySender(tokens, timeout=5)))


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
