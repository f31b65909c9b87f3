"""One answer per activity: a redelivered activity (same conversation, same activity id) is not
answered again, by this instance or another.

Teams and the Bot Framework connector send an activity again, with the same id, when the bot was
slow or the connection dropped. Before a turn runs, its (conversation, activity id) is claimed in
the shared store (the SQLite state database, or a marker blob created with If-None-Match: * in
Azure). A redelivery then finds the claim:

- answered: it gets the first delivery's HTTP status, and nothing is sent or stored again;
- still being answered elsewhere: it waits for that status (polling), up to `lease` seconds after
  the claim; a claim older than that belongs to an instance that died mid-turn, and is taken over
  so that the activity is still answered once.

A turn that raised releases its claim, so a redelivery may try again. If the store cannot be
reached, the turn is answered anyway (a possible second answer is better than none).

    >>> status = await first_delivery(store, "conv-1", "activity-1")   # None: answer it
    >>> await store.finish_delivery("conv-1", "activity-1", 201)
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Protocol

log = logging.getLogger(__name__)
IN_FLIGHT = 0  # the status of a claim whose turn is still running
LEASE_SECONDS = 10.0  # how long a claim in flight is honoured before another instance takes it over
POLL_SECONDS = 0.2


class DeliveryStore(Protocol):
    async def claim_delivery(self, conversation: str, activity_id: str, lease: float) -> int | None:
        """None if this caller now holds the claim (new, or taken over after `lease` seconds in
        flight), else the claim's status (IN_FLIGHT or the first answer's HTTP status)."""

    async def finish_delivery(self, conversation: str, activity_id: str, status: int) -> None: ...

    async def release_delivery(self, conversation: str, activity_id: str) -> None: ...


class MemoryDeliveries:
    """Claims inside this process: for storage without its own (botbuilder's MemoryStorage)."""

    def __init__(self) -> None:
        self._claims: dict[tuple[str, str], tuple[int, float]] = {}

    async def claim_delivery(self, conversation: str, activity_id: str, lease: float) -> int | None:
        now = time.time()
        found = self._claims.get((conversation, activity_id))
        if found is not None and not (found[0] == IN_FLIGHT and found[1] < now - lease):
            return found[0]
        self._claims[(conversation, activity_id)] = (IN_FLIGHT, now)
        return None

    async def finish_delivery(self, conversation: str, activity_id: str, status: int) -> None:
        self._claims[(conversation, activity_id)] = (status, time.time())

    async def release_delivery(self, conversation: str, activity_id: str) -> None:
        self._claims.pop((conversation, activity_id), None)


def deliveries_of(storage: Any) -> DeliveryStore:
    """The storage itself when it keeps claims (SQLite, Azure), else claims in this process."""
    if all(hasattr(storage, name) for name in ("claim_delivery", "finish_delivery", "release_delivery")):
        return storage
    return MemoryDeliveries()


async def first_delivery(
    store: DeliveryStore, conversation: str, activity_id: str, lease: float = LEASE_SECONDS
) -> int | None:
    """None: this is the activity's first delivery (or its first was lost): answer it. Otherwise the
    HTTP status the first delivery was answered with."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + lease + 2 * POLL_SECONDS
    while True:
        try:
            status = await store.claim_delivery(conversation, activity_id, lease)
        except Exception as exc:  # the store is unreachable: answer rather than stay silent
            log.warning("could not check for a redelivery (%s): answering", type(exc).__name__)
            return None
        if status != IN_FLIGHT:
            return status
        if loop.time() >= deadline:
            log.warning("a redelivered activity is still in flight after %.0f s: answering", lease)
            return None
        await asyncio.sleep(POLL_SECONDS)


async def settle(store: DeliveryStore, conversation: str, activity_id: str, status: int | None) -> None:
    """Record the first delivery's status (None: it failed, let a redelivery try again)."""
    try:
        if status is None:
            await store.release_delivery(conversation, activity_id)
        else:
            await store.finish_delivery(conversation, activity_id, status)
    except Exception as exc:
        log.warning("could not record an activity as answered (%s)", type(exc).__name__)
