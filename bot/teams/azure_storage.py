"""Conversation state and the feedback log in Azure Blob Storage, shared by several instances.

    ROLEBOT_STORAGE=azure ROLEBOT_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;..." rolebot serve

One container (ROLEBOT_STORAGE_CONTAINER) holds:
- `state/<sha256 of the key>`: one conversation's memory (JSON). A write carries the ETag it read
  (If-Match) or, for a conversation not stored yet, If-None-Match: *; a stale one is refused by
  the service and raised as `StateConflict`, and the bot re-reads and re-applies its turn.
- `deliveries/<sha256 of the conversation>/<sha256 of the activity id>`: an empty marker blob per
  activity, created with If-None-Match: * before its turn runs, so that a redelivery is answered
  once across instances (see deliveries.py).
- `answers/<sha256 of the reply id>` and `feedback/<sha256 of reply, conversation and user>`: the
  feedback log, one small blob per record (a second click on a reply replaces the first). Each
  record is also in its blob's metadata (compressed), with hashes of its user and conversation: the
  export lists the container (5,000 blobs a call) instead of reading every blob, and retention and
  `rolebot purge --user` find what to delete from listings. `rows()` joins them as SQLite does.

Every call has a budget, ROLEBOT_STORAGE_TIMEOUT (3 s): timeouts and one retry after 0.2 s, and the
async calls are cut at the budget. Past it, or when the service fails, a call raises
`StorageUnavailable`, and calls in the next 2 s fail at once (`Breaker`): during an outage a turn
does not wait on each of its storage calls in turn.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import time
import uuid
import zlib
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import AzureError, ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.storage.blob import BlobServiceClient
from azure.storage.blob import LinearRetry as SyncLinearRetry
from azure.storage.blob.aio import BlobServiceClient as AsyncBlobServiceClient
from azure.storage.blob.aio import LinearRetry
from botbuilder.core import Storage

from .deliveries import IN_FLIGHT
from .feedback import MAX_COMMENT_CHARS, Row, _at_most
from .storage import Breaker, StateConflict, StorageUnavailable

_BREAKERS: dict[str, Breaker] = {}  # per account: the state and the feedback clients learn of an outage together


def client_options(timeout: float, sync: bool = False) -> dict[str, Any]:
    """Timeouts and one quick retry, so that a call fails within about `timeout` seconds in all. (The
    SDK's default policy retries after 15 s and then 18 s or more: 40-44 s for a call to a storage
    that is down.) An async call is also cut at `timeout` by the store itself."""
    retry = (SyncLinearRetry if sync else LinearRetry)(
        backoff=0.2,  # type: ignore[arg-type]  # seconds; the SDK computes with floats
        retry_total=1,
        random_jitter_range=0.1,  # type: ignore[arg-type]
    )
    read = timeout / 2 if sync else timeout
    return {"connection_timeout": min(2.0, read), "read_timeout": read, "retry_policy": retry}


def _breaker(connection_string: str) -> Breaker:
    key = hashlib.sha256(connection_string.encode("utf-8")).hexdigest()
    return _BREAKERS.setdefault(key, Breaker())


def _name(prefix: str, key: str) -> str:
    return f"{prefix}/{hashlib.sha256(key.encode('utf-8')).hexdigest()}"


class AzureBlobStorage(Storage):
    """Botbuilder storage in Azure blobs with ETag concurrency (async, on the event loop). Each call
    has a budget of `timeout` seconds; past it, or when the service fails, it raises
    `StorageUnavailable`."""

    def __init__(self, connection_string: str, container: str, timeout: float = 3.0) -> None:
        self.timeout = timeout
        self._service = AsyncBlobServiceClient.from_connection_string(connection_string, **client_options(timeout))
        self._container = self._service.get_container_client(container)
        self._breaker = _breaker(connection_string)
        self._ready = False

    @contextlib.asynccontextmanager
    async def _budget(self, what: str) -> AsyncIterator[None]:
        self._breaker.check()
        try:
            async with asyncio.timeout(self.timeout):
                await self._ensure_container()
                yield
        except (TimeoutError, AzureError, OSError) as exc:
            self._breaker.failed()
            raise StorageUnavailable(
                f"Azure Storage did not answer ({what}) within {self.timeout:g} s: {type(exc).__name__}"
            ) from None
        self._breaker.succeeded()

    async def _ensure_container(self) -> None:
        if not self._ready:
            with contextlib.suppress(ResourceExistsError):
                await self._container.create_container()
            self._ready = True

    async def read(self, keys: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        async with self._budget("reading the state"):
            for key in keys or []:
                try:
                    download = await self._container.download_blob(_name("state", key))
                    data = await download.readall()
                except ResourceNotFoundError:
                    continue
                value = json.loads(data)
                if isinstance(value, dict):
                    value["e_tag"] = download.properties.etag
                out[key] = value
        return out

    async def write(self, changes: Mapping[str, Any]) -> None:
        if changes is None:
            raise ValueError("changes are required when writing")
        async with self._budget("writing the state"):
            for key, change in changes.items():
                value = dict(change) if isinstance(change, dict) else dict(vars(change))
                etag = value.pop("e_tag", None)
                data = json.dumps(value, default=str).encode("utf-8")
                blob = self._container.get_blob_client(_name("state", key))
                # Which conversation (hashed), so that `rolebot purge --user` finds its memory.
                metadata = {"conversation": _digest(key.split("/conversations/", 1)[-1])}
                try:
                    if etag == "*":
                        await blob.upload_blob(data, overwrite=True, metadata=metadata)
                    elif etag is None:  # not stored when read: create only
                        await blob.upload_blob(data, overwrite=False, metadata=metadata)
                    else:
                        await blob.upload_blob(
                            data,
                            overwrite=True,
                            metadata=metadata,
                            etag=etag,
                            match_condition=MatchConditions.IfNotModified,
                        )
                except (ResourceModifiedError, ResourceExistsError):
                    raise StateConflict(f"the state of {key} changed since it was read") from None

    async def delete(self, keys: list[str]) -> None:
        async with self._budget("deleting state"):
            for key in keys or []:
                with contextlib.suppress(ResourceNotFoundError):
                    await self._container.delete_blob(_name("state", key))

    # Claims of activities (see deliveries.py): one small marker blob each, created with
    # If-None-Match: *, its status in the blob's metadata.

    async def claim_delivery(self, conversation: str, activity_id: str, lease: float) -> int | None:
        async with self._budget("claiming an activity"):
            return await self._claim(conversation, activity_id, lease)
        raise AssertionError("unreachable")

    async def _claim(self, conversation: str, activity_id: str, lease: float) -> int | None:
        blob = self._container.get_blob_client(_delivery_name(conversation, activity_id))
        now = time.time()
        try:
            await blob.upload_blob(b"", overwrite=False, metadata={"status": str(IN_FLIGHT), "at": f"{now:.3f}"})
            return None
        except ResourceExistsError:
            pass
        try:
            properties = await blob.get_blob_properties()
        except ResourceNotFoundError:  # released meanwhile: the caller asks again
            return IN_FLIGHT
        status = int(properties.metadata.get("status", IN_FLIGHT))
        if status == IN_FLIGHT and float(properties.metadata.get("at", 0)) < now - lease:
            try:  # the instance that claimed it died mid-turn: take it over, unless another did first
                await blob.upload_blob(
                    b"",
                    overwrite=True,
                    metadata={"status": str(IN_FLIGHT), "at": f"{now:.3f}"},
                    etag=properties.etag,
                    match_condition=MatchConditions.IfNotModified,
                )
                return None
            except (ResourceModifiedError, ResourceExistsError):
                return IN_FLIGHT
        return status

    async def finish_delivery(self, conversation: str, activity_id: str, status: int) -> None:
        blob = self._container.get_blob_client(_delivery_name(conversation, activity_id))
        async with self._budget("recording an activity as answered"):
            await blob.upload_blob(b"", overwrite=True, metadata={"status": str(status), "at": f"{time.time():.3f}"})

    async def release_delivery(self, conversation: str, activity_id: str) -> None:
        async with self._budget("releasing an activity"):
            with contextlib.suppress(ResourceNotFoundError):
                await self._container.delete_blob(_delivery_name(conversation, activity_id))

    # Retention and erasure (see retention.py): by the blobs' last-modified time and metadata,
    # from listings, without reading the blobs.

    async def purge_state(self, before: float) -> dict[str, int]:
        """Delete memories and activity claims not written since `before` (a Unix time)."""
        counts = {"memories": 0, "claims": 0}
        await self._ensure_container()
        for prefix, what in (("state/", "memories"), ("deliveries/", "claims")):
            async for blob in self._container.list_blobs(name_starts_with=prefix):
                if blob.last_modified.timestamp() < before:
                    with contextlib.suppress(ResourceNotFoundError):
                        await self._container.delete_blob(blob.name)
                    counts[what] += 1
        return counts

    async def erase_conversations(self, conversations: set[str]) -> int:
        """Delete the memory of these conversations; returns how many were stored."""
        digests = {_digest(c) for c in conversations}
        erased = 0
        await self._ensure_container()
        async for blob in self._container.list_blobs(name_starts_with="state/", include=["metadata"]):
            if (blob.metadata or {}).get("conversation") in digests:
                with contextlib.suppress(ResourceNotFoundError):
                    await self._container.delete_blob(blob.name)
                erased += 1
        return erased

    async def close(self) -> None:
        await self._service.close()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


METADATA_CHARS = 6000  # a record packed into metadata at most (Azure allows 8 KiB of metadata a blob)


def _pack(record: dict[str, Any]) -> str | None:
    """A record as compressed base64 for the blob's metadata, so that listing the container (5,000
    blobs a call) reads it; None if too large (then it is read from the blob itself)."""
    packed = base64.b64encode(zlib.compress(json.dumps(record).encode("utf-8"))).decode("ascii")
    return packed if len(packed) <= METADATA_CHARS else None


def _unpack(packed: str) -> dict[str, Any] | None:
    try:
        record = json.loads(zlib.decompress(base64.b64decode(packed)))
    except (ValueError, zlib.error):
        return None
    return record if isinstance(record, dict) else None


def _delivery_name(conversation: str, activity_id: str) -> str:
    return f"{_name('deliveries', conversation)}/{hashlib.sha256(activity_id.encode('utf-8')).hexdigest()}"


class AzureFeedbackStore:
    """The feedback log in blobs; the same methods as `FeedbackStore` (blocking: call in a thread)."""

    def __init__(self, connection_string: str, container: str, timeout: float = 3.0) -> None:
        self.timeout = timeout
        options = client_options(timeout, sync=True)
        self._service = BlobServiceClient.from_connection_string(connection_string, **options)
        self._container = self._service.get_container_client(container)
        self._breaker = _breaker(connection_string)
        self._ready = False

    def _ensure_container(self) -> None:
        if not self._ready:
            with contextlib.suppress(ResourceExistsError):
                self._container.create_container()
            self._ready = True

    @contextlib.contextmanager
    def _budget(self, what: str) -> Iterator[None]:
        self._breaker.check()
        try:
            self._ensure_container()
            yield
        except (AzureError, OSError) as exc:
            self._breaker.failed()
            raise StorageUnavailable(f"Azure Storage did not answer ({what}): {type(exc).__name__}") from None
        self._breaker.succeeded()

    def _put(self, name: str, record: dict[str, Any]) -> None:
        metadata = {
            "user": _digest(str(record.get("user_id", ""))),
            "conversation": _digest(str(record.get("conversation_id", ""))),
        }
        packed = _pack(record)
        if packed is not None:
            metadata["record"] = packed
        with self._budget("storing a feedback record"):
            self._container.upload_blob(name, json.dumps(record).encode("utf-8"), overwrite=True, metadata=metadata)

    def _get(self, name: str) -> dict[str, Any] | None:
        with self._budget("reading a feedback record"):
            try:
                data = json.loads(self._container.download_blob(name).readall())
            except ResourceNotFoundError:
                return None
        return data if isinstance(data, dict) else None

    def record_answer(
        self,
        activity_id: str,
        conversation_id: str,
        question: str,
        topic: str,
        roles: tuple[str, ...],
        declined: bool,
        user_id: str = "",
    ) -> None:
        from ..answering.engine import MAX_QUESTION_CHARS

        record = {
            "activity_id": activity_id,
            "conversation_id": conversation_id,
            "asked_at": time.time(),
            "question": _at_most(question, MAX_QUESTION_CHARS),
            "topic": topic,
            "roles": "; ".join(roles),
            "declined": bool(declined),
            "user_id": user_id,
        }
        self._put(_name("answers", activity_id), record)

    def rename_answer(self, activity_id: str, channel_id: str) -> None:
        record = self._get(_name("answers", activity_id))
        if record is None:
            return
        record["activity_id"] = channel_id
        self._put(_name("answers", channel_id), record)
        self.forget_answer(activity_id)

    def forget_answer(self, activity_id: str) -> None:
        with self._budget("forgetting an answer"), contextlib.suppress(ResourceNotFoundError):
            self._container.delete_blob(_name("answers", activity_id))

    def record_feedback(
        self, activity_id: str, conversation_id: str, reaction: str, comment: str, user_id: str = ""
    ) -> None:
        """One blob per (reply, conversation, user): a second click replaces the first."""
        now = time.time()
        record = {
            "activity_id": activity_id,
            "conversation_id": conversation_id,
            "given_at": now,
            "reaction": reaction,
            "comment": _at_most(comment, MAX_COMMENT_CHARS),
            "user_id": user_id,
        }
        if activity_id:
            name = _name("feedback", json.dumps([activity_id, conversation_id, user_id]))
        else:  # about the conversation's latest answer (a channel that assigns its own ids): each is kept
            name = f"feedback/{now:017.6f}-{uuid.uuid4().hex}"
        self._put(name, record)

    def _listed(self, prefix: str) -> Iterator[tuple[Any, dict[str, Any] | None]]:
        """Each blob under `prefix` with its record: from the listing's metadata, or (a record too
        large for metadata, or stored before records went there) read from the blob."""
        self._ensure_container()
        for blob in self._container.list_blobs(name_starts_with=f"{prefix}/", include=["metadata"]):
            packed = (blob.metadata or {}).get("record")
            record = _unpack(packed) if packed else None
            yield blob, record if record is not None else self._get(blob.name)

    def _all(self, prefix: str) -> list[dict[str, Any]]:
        return [record for _, record in self._listed(prefix) if record is not None]

    def purge(self, before: float) -> dict[str, int]:
        """Delete questions, answers and feedback stored before `before` (a Unix time)."""
        counts = {"answers": 0, "feedback": 0}
        self._ensure_container()
        for prefix in counts:
            for blob in self._container.list_blobs(name_starts_with=f"{prefix}/"):
                if blob.last_modified.timestamp() < before:
                    with contextlib.suppress(ResourceNotFoundError):
                        self._container.delete_blob(blob.name)
                    counts[prefix] += 1
        return counts

    def erase_user(self, user_id: str) -> tuple[dict[str, int], set[str]]:
        """Delete one person's questions, answers and feedback; also returns their conversations."""
        digest = _digest(user_id)
        counts = {"answers": 0, "feedback": 0}
        conversations: set[str] = set()
        for prefix in counts:
            for blob, record in self._listed(prefix):
                if (blob.metadata or {}).get("user") == digest or (record or {}).get("user_id") == user_id:
                    conversations.add(str((record or {}).get("conversation_id", "")))
                    with contextlib.suppress(ResourceNotFoundError):
                        self._container.delete_blob(blob.name)
                    counts[prefix] += 1
        return counts, conversations - {""}

    def rows(self) -> list[Row]:
        answers = self._all("answers")
        by_id = {a["activity_id"]: a for a in answers}
        by_conversation: dict[str, list[dict[str, Any]]] = {}
        for a in answers:
            by_conversation.setdefault(a["conversation_id"], []).append(a)
        out = []
        for f in sorted(self._all("feedback"), key=lambda r: r["given_at"]):
            answer = by_id.get(f["activity_id"])
            if answer is None:  # the channel's own id: the conversation's latest answer before the click
                earlier = [a for a in by_conversation.get(f["conversation_id"], ()) if a["asked_at"] <= f["given_at"]]
                answer = max(earlier, key=lambda a: a["asked_at"]) if earlier else {}
            out.append(
                Row(
                    "feedback",
                    f["given_at"],
                    f["conversation_id"],
                    f["activity_id"],
                    answer.get("question", ""),
                    answer.get("topic", ""),
                    answer.get("roles", ""),
                    bool(answer.get("declined", False)),
                    f["reaction"],
                    f["comment"],
                )
            )
        for a in answers:
            if a["declined"]:
                out.append(
                    Row(
                        "declined",
                        a["asked_at"],
                        a["conversation_id"],
                        a["activity_id"],
                        a["question"],
                        a["topic"],
                        a["roles"],
                        True,
                        "",
                        "",
                    )
                )
        return sorted(out, key=lambda r: r.time)

    def close(self) -> None:
        self._service.close()
