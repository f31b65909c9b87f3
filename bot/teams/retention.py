"""Retention and erasure of what the bot stores (both backends; see docs/data.md).

- Questions, answers and feedback: deleted ROLEBOT_RETENTION_DAYS (90) after they were stored.
- A conversation's memory and its activity claims: deleted ROLEBOT_MEMORY_RETENTION_DAYS (30)
  after the conversation's last turn.
- `rolebot purge --user AAD_OBJECT_ID`: one person's questions, answers and feedback, and the
  memory of the conversations they asked in, at once.

`rolebot serve` applies the retention periods in the background (at start, then every 6 hours);
`rolebot purge` applies them now.

    >>> await purge(state, feedback, settings)                  # {"answers": 3, "feedback": 1, ...}
    >>> await purge(state, feedback, settings, user="00000000-aad-object-id")
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from ..settings import Settings

log = logging.getLogger(__name__)
DAY = 86400.0
EVERY_SECONDS = 6 * 3600.0


async def purge(
    state: Any, feedback: Any, settings: Settings, now: float | None = None, user: str | None = None
) -> dict[str, int]:
    """Apply the retention periods (and erase `user`'s data, if given); returns what was deleted."""
    now = time.time() if now is None else now
    counts = await asyncio.to_thread(feedback.purge, now - settings.get("ROLEBOT_RETENTION_DAYS") * DAY)
    counts = {"answers": counts["answers"], "feedback": counts["feedback"], "memories": 0, "claims": 0}
    if hasattr(state, "purge_state"):  # botbuilder's MemoryStorage forgets by itself
        kept = await state.purge_state(now - settings.get("ROLEBOT_MEMORY_RETENTION_DAYS") * DAY)
        counts["memories"] += kept["memories"]
        counts["claims"] += kept["claims"]
    if user:
        erased, conversations = await asyncio.to_thread(feedback.erase_user, user)
        counts["answers"] += erased["answers"]
        counts["feedback"] += erased["feedback"]
        if hasattr(state, "erase_conversations"):
            counts["memories"] += await state.erase_conversations(conversations)
    return counts


async def keep_purging(state: Any, feedback: Any, settings: Settings, every: float = EVERY_SECONDS) -> None:
    """`rolebot serve`'s background task: purge now, then every `every` seconds; a failure is logged
    and tried again next time."""
    while True:
        try:
            counts = await purge(state, feedback, settings)
            log.info("retention: deleted %s", ", ".join(f"{n} {what}" for what, n in counts.items()))
        except Exception as exc:  # storage down: the next run catches up
            log.warning("retention: could not purge (%s); trying again later", type(exc).__name__)
        await asyncio.sleep(every)
