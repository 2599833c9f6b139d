"""Python's full garbage collections, moved to moments when nobody is typing.

Why: the reader holds a few hundred thousand objects (Textual's widgets,
styles and caches, the modules).  CPython's collector walks all of them in
a full (generation 2) collection, which it starts by itself about once per
article opened and closed: 75-95 ms each on these machines, landing on a key
as often as not (the slowest opens in the benchmark were these pauses).

So, once the app has started and loaded what it keeps (``settle``):

* everything alive then is collected once and frozen (``gc.freeze``): it
  lives as long as the app, and no later collection walks it again;
* full collections no longer start by themselves (the third threshold is
  set very high); the young generations, which catch most short-lived
  cycles, are collected as before;
* a timer runs a full collection when no key or click came for ``IDLE_FOR``
  seconds, at most every ``COLLECT_EVERY`` seconds, so cycles that outlive
  the young generations are still freed, while the user reads.

Everything is put back when the app exits (``restore``): the thresholds and
the frozen objects, so that a process that runs several apps (the tests)
collects as usual between them.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

__all__ = ["COLLECT_EVERY", "IDLE_FOR", "IDLE_LOOK_EVERY", "SETTLE_AFTER", "QuietCollector"]

#: Seconds after start before what is alive is frozen (after the body warm-up).
SETTLE_AFTER = 2.5

#: Seconds without input before a full collection may run.
IDLE_FOR = 1.5

#: Seconds between full collections at most.
COLLECT_EVERY = 10.0

#: Seconds between looks at whether one may run (``tick``).
IDLE_LOOK_EVERY = 2.0

#: Young collections between full ones: high enough that none starts by itself.
RARE = 1_000_000


class QuietCollector:
    """Runs full garbage collections only while the user is idle (see the module)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last_input = clock()
        self._last_collect = clock()
        self._thresholds: tuple[int, int, int] | None = None
        #: Full collections this collector ran (for tests and the log).
        self.collections = 0

    @property
    def settled(self) -> bool:
        """True between ``settle`` and ``restore``."""
        return self._thresholds is not None

    def input_seen(self) -> None:
        """A key or a click arrived: the user is busy."""
        self._last_input = self._clock()

    def settle(self) -> None:
        """Collect once, freeze what is left, and stop automatic full collections."""
        if self._thresholds is not None:
            return
        gc.collect()
        gc.freeze()
        young, middle, old = gc.get_threshold()
        self._thresholds = (young, middle, old)
        gc.set_threshold(young, middle, RARE)
        self._last_collect = self._clock()

    def tick(self) -> bool:
        """Timer: run a full collection if the user is idle and one is due.

        Returns whether it ran (for tests).
        """
        if self._thresholds is None:
            return False
        now = self._clock()
        if now - self._last_input < IDLE_FOR or now - self._last_collect < COLLECT_EVERY:
            return False
        gc.collect()
        self._last_collect = self._clock()
        self.collections += 1
        return True

    def restore(self) -> None:
        """Put the collector back as it was (the app is exiting)."""
        if self._thresholds is None:
            return
        gc.set_threshold(*self._thresholds)
        self._thresholds = None
        gc.unfreeze()
