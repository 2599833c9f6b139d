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

Once an opened article has painted, the reader gives the collector the
idle moment (``idle``): when the middle generation's collection is at most
``MIDDLE_AHEAD`` young collections away, it is done there, while the
reader looks at the article, and not in the next open or back, where the
interpreter would have run it (100-280 ms of the UI thread on a loaded
machine: it walks the survivors of about ten opens, 60,000 objects; done
at the idle moment, 60-110 ms).  A full collection that is due is done
there too.  It runs no more often than the interpreter would run it.

While an article opens, from the key until its first frame is drawn, the
collector waits (``pause``, ``resume``): an open allocates some 100,000
objects, so young collections (and now and then a middle one) landed in
the frame the reader waits for, 2-10 ms each at random places of it.
Deferred, they run once the frame is out, on what the open left alive.
"""

from __future__ import annotations

import gc

__all__ = [
    "MIDDLE_AHEAD",
    "SETTLE_AFTER",
    "YOUNG",
    "Collector",
    "collect_when_idle",
    "collector_of",
]

#: Seconds after start before what is alive is frozen (the body warm-up, a
#: second after start, has usually loaded its modules by then; what loads
#: later is simply not frozen).
SETTLE_AFTER = 2.5

#: Allocations between collections of the youngest generation (the interpreter's: 700).
YOUNG = 20_000

#: Young collections before the middle generation's is due at which ``idle`` collects it.
MIDDLE_AHEAD = 3


class Collector:
    """Freezes the app's long-lived objects and widens the young generation (see the module)."""

    def __init__(self) -> None:
        self._thresholds: tuple[int, int, int] | None = None
        #: Whether ``pause`` turned the collector off (and ``resume`` turns it on).
        self._paused = False

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

    def idle(self) -> None:
        """The app is idle (an opened article has just painted): the middle
        generation's collection, when nearly due, or a full one, when due, is
        done now rather than in the next key (nothing happens before ``settle``)."""
        if self._thresholds is None:
            return
        _young, middle, old = gc.get_threshold()
        _, middle_count, old_count = gc.get_count()
        if middle_count + MIDDLE_AHEAD >= middle:
            gc.collect(2 if old_count >= old else 1)

    def pause(self) -> None:
        """No automatic collection until ``resume`` (an article is opening; nothing
        happens before ``settle`` or when the collector is off already)."""
        if self._thresholds is None or self._paused or not gc.isenabled():
            return
        gc.disable()
        self._paused = True

    def resume(self) -> None:
        """Collect automatically again, if ``pause`` stopped it."""
        if self._paused:
            self._paused = False
            gc.enable()

    def restore(self) -> None:
        """Put the collector back as it was (the app is exiting)."""
        self.resume()
        if self._thresholds is None:
            return
        gc.set_threshold(*self._thresholds)
        self._thresholds = None
        gc.unfreeze()


def collector_of(app: object) -> Collector | None:
    """``app``'s collector, if it has one (test apps may not)."""
    collector = getattr(app, "collector", None)
    return collector if isinstance(collector, Collector) else None


def collect_when_idle(app: object) -> None:
    """``app``'s collector, if it has one, is told the app is idle (``Collector.idle``)."""
    collector = collector_of(app)
    if collector is not None:
        collector.idle()
