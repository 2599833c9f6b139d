"""The paint held while an article opens, until its body is shown.

``PaintHold`` keeps the screen from painting the half-opened article (the
new layout with "Loading…") while the body is being prepared: the screen is
painted once, with the body, when it arrives, or after ``HOLD_AT_MOST``
seconds if it is slow (a huge article, a busy disk), so a key never goes
without an answer on screen for longer than that.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

from textual.app import App
from textual.timer import Timer

from tui.ui.collector import collector_of

__all__ = ["HOLD_AT_MOST", "PaintHold"]

#: Seconds an opening article may hold the screen's paint while its body is prepared.
HOLD_AT_MOST = 0.15


class PaintHold:
    """Suspends the app's repaints from an open until its body is shown (or a timeout).

    Built on ``App.batch_update`` (Textual's way to paint a change of many
    widgets once); the timer, set on the app so that it outlives any screen,
    makes sure the hold always ends.  The garbage collector waits from the
    hold until the frame after it is drawn (``Collector.pause`` says why).
    """

    def __init__(self) -> None:
        self._batch: AbstractContextManager[None] | None = None
        self._timer: Timer | None = None
        self._app: App[object] | None = None

    @property
    def held(self) -> bool:
        return self._batch is not None

    def hold(self, app: App[object], seconds: float = HOLD_AT_MOST) -> None:
        """Hold the paint now (a hold already on is kept, its timeout restarted)."""
        if self._timer is not None:
            self._timer.stop()
        self._app = app
        if self._batch is None:
            self._batch = app.batch_update()
            self._batch.__enter__()
            collector = collector_of(app)
            if collector is not None:
                collector.pause()
        self._timer = app.set_timer(seconds, self.release, name="article-paint-hold")

    def release(self) -> None:
        """Let the screen paint again (nothing happens if no hold is on).

        The screen is asked to paint (as ``App.delay_update`` does): changes
        made during the hold were asked for then, and a screen with nothing
        left in its queue would not look at them again by itself.
        """
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        batch, self._batch = self._batch, None
        if batch is not None:
            batch.__exit__(None, None, None)
            app = self._app
            if app is not None and not app._batch_count:
                app.screen.refresh()
            collector = collector_of(app)
            if app is not None and collector is not None:
                app.call_after_refresh(collector.resume)
