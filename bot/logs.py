"""Logs for operators: one line per event, a UTC timestamp, the activity's id; no headers, no text.

    2026-12-03T18:04:05.123Z INFO bot.teams.channel [activity=in-42] answered: topic=level ...

`configure(level)` sets this up for `rolebot` and gunicorn. The HTTP endpoint puts each request's
activity id in `ACTIVITY`, so every line logged while handling it carries the id. The Azure SDK
logs every request's and response's headers at INFO (about 120 lines a turn): its loggers are kept
at WARNING. An exception is one line too: its type, its message and where it was raised.
"""

from __future__ import annotations

import logging
import sys
import time
import traceback
from contextvars import ContextVar
from typing import IO

ACTIVITY: ContextVar[str] = ContextVar("rolebot_activity", default="-")
FORMAT = "%(asctime)s %(levelname)s %(name)s [activity=%(activity)s] %(message)s"
QUIET = ("azure", "msrest", "urllib3", "botbuilder", "botframework")  # at WARNING whatever the level


class ActivityFilter(logging.Filter):
    """Adds the current activity's id to each record (`-` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.activity = ACTIVITY.get()
        return True


class OneLineFormatter(logging.Formatter):
    """ISO 8601 UTC timestamps; a record's newlines escaped; an exception as one line."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"

    def format(self, record: logging.LogRecord) -> str:
        exc_info, record.exc_info, record.exc_text = record.exc_info, None, None
        try:
            line = super().format(record)
        finally:
            record.exc_info = exc_info
        if exc_info and exc_info[1] is not None:
            line += " | " + one_line(exc_info[1])
        return line.replace("\r", "\\r").replace("\n", "\\n")


def one_line(exc: BaseException) -> str:
    """`Type: message (at file:line in function)`, from the innermost frame."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno} in {frames[-1].name})" if frames else ""
    return f"{type(exc).__name__}: {str(exc)[:300]}{where}"


def configure(level: str = "INFO", stream: IO[str] | None = None) -> logging.Handler:
    """One handler on the root logger (replacing one set up here before); returns it."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(ActivityFilter())
    handler.setFormatter(OneLineFormatter(FORMAT))
    handler.set_name("rolebot")
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if h.get_name() != "rolebot"]
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
    return handler
