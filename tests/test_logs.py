"""Logs for operators: one line per event, a UTC timestamp, the activity's id; the Azure SDK quiet."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator

import pytest

from bot.logs import ACTIVITY, QUIET, configure

LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (INFO|WARNING|ERROR) [\w.]+ \[activity=[^\]]+\] .+$")


@pytest.fixture
def logged() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure("INFO", stream)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        for name in QUIET:
            logging.getLogger(name).setLevel(logging.NOTSET)


def test_each_event_is_one_timestamped_line_with_its_activity_id(logged: io.StringIO) -> None:
    log = logging.getLogger("bot.teams.channel")
    token = ACTIVITY.set("f:12345")
    try:
        log.info("answered: topic=%s", "level")
        try:
            raise RuntimeError("the index\nis gone")
        except RuntimeError:
            log.exception("error in a turn")
    finally:
        ACTIVITY.reset(token)
    log.warning("outside a request")
    lines = logged.getvalue().splitlines()
    assert len(lines) == 3, lines
    assert all(LINE.match(line) for line in lines), lines
    assert "[activity=f:12345] answered: topic=level" in lines[0]
    assert "error in a turn | RuntimeError: the index\\nis gone (at test_logs.py:" in lines[1]
    assert "[activity=-] outside a request" in lines[2]


def test_the_azure_sdk_logs_no_headers(logged: io.StringIO) -> None:
    http = logging.getLogger("azure.core.pipeline.policies.http_logging_policy")
    assert not http.isEnabledFor(logging.INFO)
    http.info("Request headers: 'x-ms-version': 'REDACTED'")
    assert logged.getvalue() == ""
