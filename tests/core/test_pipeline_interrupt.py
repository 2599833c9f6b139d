"""Ctrl-C during a refresh: the loop's own error reports stay off the terminal.

``asyncio.run`` answers SIGINT by cancelling the main task; a connection torn
down meanwhile can make the loop print "Fatal error: protocol.data_received()
call failed" with a traceback, beside the command line's one "interrupted"
line (seen under load in ``test_ctrl_c_during_a_pooled_refresh_is_one_line``).
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from tui.core.refresh.pipeline import _hush_once_interrupted


async def _report_while(cancelling: bool) -> None:
    _hush_once_interrupted()
    me = asyncio.current_task()
    assert me is not None
    if cancelling:
        me.cancel()
    asyncio.get_running_loop().call_exception_handler(
        {"message": "Fatal error: protocol.data_received() call failed."}
    )
    if cancelling:
        await asyncio.sleep(0)  # where the cancellation lands


def test_a_report_while_the_run_is_cancelled_is_dropped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="asyncio"), pytest.raises(asyncio.CancelledError):
        asyncio.run(_report_while(cancelling=True))
    assert "Fatal error" not in caplog.text


def test_a_report_while_the_run_goes_on_still_reaches_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        asyncio.run(_report_while(cancelling=False))
    assert "Fatal error: protocol.data_received() call failed." in caplog.text
