"""Python's garbage collector, set for an app that keeps many objects and makes many more.

Why: the reader holds over a hundred thousand objects (Textual's widgets,
styles and caches, the modules), and opening an article makes and drops
thousands more, many in reference cycles.  With the interpreter's settings
a full (generation 2) collection, which walks every object, ran about once
per article opened and closed: 75-95 ms on a quiet machine, landing on a
key as often as not (the slowest opens in the benchmark were these pauses).

So, once the app has started and loaded what it keeps (``settle``):

* everything alive then is collected once and frozen (``gc.freeze``): it
  lives as long as the app, and no later collection walks it again;
* the youngest generation is collected after ``YOUNG`` allocations instead
  of 700, so the objects of one paint or one open are mostly gone before a
  collection looks at them, instead of being promoted to the older
  generations and filling them with garbage that only a full pass frees.

Measured in the benchmark's in-process run (60 opens, on a machine with a
load of 6-8): full collections 57 -> 6, time in the collector 16.0 s ->
4.1 s, peak memory 80 -> 90 MB.  What is frozen is never collected:
cycles among the objects alive at that moment that die later (the
footer's first keys) stay, a bounded cost.  Everything is put back when
the app exits (``restore``), so that a process that runs several apps
(the tests) collects as usual between them.
"""

from __future__ import annotations

import gc

__all__ = ["SETTLE_AFTER", "YOUNG", "Collector"]

#: Seconds after start before what is alive is frozen (the body warm-up, a
#: second after start, has usually loaded its modules by then; what loads
#: later is simply not frozen).
SETTLE_AFTER = 2.5

#: Allocations between collections of the youngest generation (the interpreter's: 700).
YOUNG = 20_000


class Collector:
    """Freezes the app's long-lived objects and widens the young generation (see the module)."""

    def __init__(self) -> None:
        self._thresholds: tuple[int, int, int] | None = None

    @property
    def settled(self) -> bool:
        """True between ``settle`` and ``restore``."""
        return self._thresholds is not None

    def settle(self) -> None:
        """Collect once, freeze what is left, and collect the young less often."""
        if self._thresholds is not None:
            return
        gc.collect()
        gc.freeze()
        young, middle, old = gc.get_threshold()
        self._thresholds = (young, middle, old)
        gc.set_threshold(max(young, YOUNG), middle, old)

    def restore(self) -> None:
        """Put the collector back as it was (the app is exiting)."""
        if self._thresholds is None:
            return
        gc.set_threshold(*self._thresholds)
        self._thresholds = None
        gc.unfreeze()
