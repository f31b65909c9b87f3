"""Bot Framework tokens, checked before the body is read, and signing keys that never block the loop.

With an app id, `/api/messages` first runs `precheck()` on the Authorization header alone: its
shape, an allowed issuer, a known signing key, the RS256 signature, the audience and the expiry.
Only then is the body read; botbuilder's validator then checks the token again against the
activity (endorsements for the channel, `serviceurl` claim).

botbuilder fetches the signing keys with a blocking `requests.get` on the event loop. `SigningKeys`
fetches them with aiohttp instead (in the background every 6 hours, and at most every 5 minutes for
an unknown key id) and puts a cache in botbuilder's place that never fetches.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import aiohttp
import jwt
from botframework.connector.auth import AuthenticationConstants
from botframework.connector.auth.emulator_validation import EmulatorValidation
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor, _OpenIdConfig, _OpenIdMetadata
from jwt.algorithms import RSAAlgorithm

log = logging.getLogger(__name__)

CHANNEL_METADATA_URL = AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
EMULATOR_METADATA_URL = AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL
MAX_TOKEN_CHARS = 8192
CLOCK_SKEW_SECONDS = 300
REFRESH_SECONDS = 6 * 3600
RETRY_SECONDS = 60
UNKNOWN_KEY_REFETCH_SECONDS = 300


class TokenRejected(PermissionError):
    """The Authorization header does not hold a usable Bot Framework token (answered 401)."""


def issuers(tenant_id: str = "") -> dict[str, str]:
    """Allowed token issuers and the OpenID metadata URL whose keys sign their tokens."""
    allowed = {AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER: CHANNEL_METADATA_URL}
    for issuer in EmulatorValidation.TO_BOT_FROM_EMULATOR_TOKEN_VALIDATION_PARAMETERS.issuer:
        allowed[issuer] = EMULATOR_METADATA_URL
    if tenant_id:
        allowed[AuthenticationConstants.VALID_TOKEN_ISSUER_URL_TEMPLATE_V1.format(tenant_id)] = EMULATOR_METADATA_URL
        allowed[AuthenticationConstants.VALID_TOKEN_ISSUER_URL_TEMPLATE_V2.format(tenant_id)] = EMULATOR_METADATA_URL
    return allowed


class SigningKeys:
    """The signing keys per OpenID metadata URL, fetched with aiohttp, one fetch per URL at a time."""

    def __init__(self, session: Callable[[], aiohttp.ClientSession], timeout: float = 10.0) -> None:
        self._session = session
        self.timeout = timeout
        self._keys: dict[str, list[dict[str, Any]]] = {}
        self._fetched_at: dict[str, float] = {}
        self._tried_at: dict[str, float] = {}
        self._inflight: dict[str, asyncio.Task[bool]] = {}

    def install(self, urls: list[str]) -> None:
        """Put non-fetching metadata into botbuilder's cache for these URLs."""
        for url in urls:
            JwtTokenExtractor.metadataCache[url] = _CachedMetadata(self, url)

    def load(self, url: str, keys: list[dict[str, Any]]) -> None:
        """Use these keys (JWKs with `kid`, optional `endorsements`) for tokens checked against `url`."""
        self._keys[url] = [k for k in keys if isinstance(k, dict) and isinstance(k.get("kid"), str)]
        self._fetched_at[url] = time.monotonic()

    def find(self, url: str, kid: str) -> dict[str, Any] | None:
        return next((k for k in self._keys.get(url, []) if k.get("kid") == kid), None)

    def age(self, url: str) -> float | None:
        fetched = self._fetched_at.get(url)
        return None if fetched is None else time.monotonic() - fetched

    async def ensure(self, url: str, kid: str) -> dict[str, Any] | None:
        """The key, fetching the URL's keys first if it is unknown (rate-limited, with a timeout)."""
        key = self.find(url, kid)
        if key is not None:
            return key
        tried = self._tried_at.get(url)
        if tried is not None and time.monotonic() - tried < UNKNOWN_KEY_REFETCH_SECONDS:
            return None
        await self.refresh(url)
        return self.find(url, kid)

    async def refresh(self, url: str) -> bool:
        """Fetch the URL's keys now (callers share one fetch); False if it failed (old keys kept)."""
        task = self._inflight.get(url)
        if task is None or task.done():
            self._tried_at[url] = time.monotonic()
            task = asyncio.ensure_future(self._fetch(url))
            self._inflight[url] = task
        return await asyncio.shield(task)

    async def _fetch(self, url: str) -> bool:
        try:
            async with asyncio.timeout(self.timeout):
                session = self._session()
                async with session.get(url) as response:
                    response.raise_for_status()
                    jwks_uri = (await response.json(content_type=None))["jwks_uri"]
                async with session.get(jwks_uri) as response:
                    response.raise_for_status()
                    keys = (await response.json(content_type=None))["keys"]
            if not isinstance(keys, list):
                raise ValueError("keys is not a list")
        except (aiohttp.ClientError, TimeoutError, ValueError, KeyError, TypeError) as exc:
            log.warning("could not fetch the Bot Framework signing keys: %s", type(exc).__name__)
            return False
        self.load(url, keys)
        return True

    async def keep_fresh(self, urls: list[str]) -> None:
        """Refresh every URL's keys every 6 hours (every minute while a fetch fails)."""
        ages = [self.age(url) for url in urls]
        if all(age is not None for age in ages):  # keys already given (tests, a restart): wait first
            await asyncio.sleep(max(0.0, REFRESH_SECONDS - max(a for a in ages if a is not None)))
        while True:
            results = [await self.refresh(url) for url in urls]
            await asyncio.sleep(REFRESH_SECONDS if all(results) else RETRY_SECONDS)


class _CachedMetadata(_OpenIdMetadata):
    """botbuilder's metadata object, answered from `SigningKeys`; it never fetches."""

    def __init__(self, keys: SigningKeys, url: str) -> None:
        super().__init__(url)
        self._store = keys
        self.last_updated = datetime.max

    async def get(self, key_id: str) -> _OpenIdConfig | None:
        key = self._store.find(self.url, key_id)
        if key is None:
            return None
        return _OpenIdConfig(RSAAlgorithm.from_jwk(json.dumps(key)), key.get("endorsements", []))

    async def _refresh(self) -> None:
        raise RuntimeError("signing keys are fetched by SigningKeys, never on the request path")


async def precheck(authorization: str, app_id: str, keys: SigningKeys, allowed: dict[str, str]) -> dict[str, Any]:
    """The token's verified claims, or TokenRejected. Needs only the header (no body)."""
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme != "Bearer" or not token:
        raise TokenRejected("no bearer token")
    if len(token) > MAX_TOKEN_CHARS or token.count(".") != 2:
        raise TokenRejected("not a JWT")
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise TokenRejected(f"unreadable token ({type(exc).__name__})") from None
    if header.get("alg") != "RS256" or not isinstance(header.get("kid"), str):
        raise TokenRejected("not an RS256 token with a key id")
    issuer = unverified.get("iss")
    if not isinstance(issuer, str) or issuer not in allowed:
        raise TokenRejected("issuer not allowed")
    jwk = await keys.ensure(allowed[issuer], header["kid"])
    if jwk is None:
        raise TokenRejected("unknown signing key")
    try:
        public_key = RSAAlgorithm.from_jwk(json.dumps(jwk))
        return dict(
            jwt.decode(
                token,
                public_key,  # type: ignore[arg-type]
                algorithms=["RS256"],
                audience=app_id,
                issuer=issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        )
    except (jwt.PyJWTError, ValueError, TypeError, KeyError) as exc:
        raise TokenRejected(f"invalid token ({type(exc).__name__})") from None
