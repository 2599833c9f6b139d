"""Article bodies, prepared in a thread of their own that starts the moment an article opens.

Why not a Textual thread worker: a worker's thread starts only when the event
loop next runs, after the open's own work on the UI thread (the layout
switch, the header), and then competes with the paint of that layout; the
body arrived 60-120 ms after Enter.  This thread is started by the open
itself, so the Markdown is read, converted if need be, styled and laid out
while the UI thread works, and the answer is usually queued before the
first paint: the article appears in one frame.

One thread, one article at a time, in the order asked; a job whose article
is no longer the one wanted when it starts is skipped, and its answer is
dropped if another was asked for meanwhile (or the screen has gone).

While an article is being read, the next ones in the list are prepared in
the same thread (``prefetch``): a reader who goes on to the next article
finds its body converted and laid out, and the open has only the paint
left to do.  Such a body is taken on the UI thread by the open itself and
its answer posted at once: waiting for the body thread to be scheduled
(behind the open's own work, on a busy machine behind other processes)
cost 5-35 ms of an open that had nothing left to prepare.  An open always
comes first: a prefetch stops at the next article boundary when one is
asked for, and what it prepared is kept for a few articles only, and
forgotten when the database changes (``forget``).

The paint held meanwhile is ``paint_hold.PaintHold``'s.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import NamedTuple

from textual.dom import DOMNode
from textual.message import Message

from tui.core import Library, match_snippet
from tui.ui import safe
from tui.ui.messages import ArticleBody, BodyStored
from tui.ui.widgets.article_header import BodyMatch
from tui.ui.widgets.article_links import Link
from tui.ui.widgets.article_markdown import BodyChunk, prepare_body
from tui.ui.workers import gone

__all__ = ["Bodies"]

#: Seconds a fresh conversion waits for the screen to paint before it is stored anyway.
PAINT_WAIT = 1.0

#: Seconds after the reader is shown before the body machinery is loaded (``Bodies.warm``).
WARM_AFTER = 1.0

#: Bodies prepared ahead and not yet opened, kept at most (the oldest go first).
#: Bodies prepared ahead and not yet opened, kept at most (the oldest go first).
KEEP_AHEAD = 6

#: A body that uses every part of the body machinery, prepared once to load it.
WARM_BODY = "# A\n\n*b* [c](https://example.org/)\n\n- d\n\n> e\n\n```python\nf = 1\n```\n"


def _warm_up() -> None:
    """Import and run once what the first body needs (never raises: it only saves time)."""
    with contextlib.suppress(Exception):
        from tui.core import html_to_markdown  # a lazy name: imports the converter

        prepare_body(html_to_markdown("<p>" + WARM_BODY + "</p>", None))
        prepare_body(WARM_BODY)


class Prepared(NamedTuple):
    """A body prepared ahead of its open, for one width and one set of search terms."""

    epoch: int
    width: int
    terms: tuple[str, ...]
    md: str
    fresh: bool
    chunks: list[BodyChunk]
    links: tuple[Link, ...]
    snippet: str
    #: The full text (reader mode), and whether opening should fetch it.
    full: bool = False
    fetch: bool = False


def _laid(
    epoch: int,
    md: str,
    fresh: bool,
    terms: tuple[str, ...],
    width: int,
    images: bool = False,
    *,
    full: bool = False,
    fetch: bool = False,
) -> Prepared:
    """Style and lay out a body's Markdown, and find its search snippet (``images``:
    block images become chunks of their own, see ``prepare_body``)."""
    chunks, links = prepare_body(md, terms, width, images=images)
    snippet = match_snippet(md, terms) if terms else ""
    return Prepared(epoch, width, terms, md, fresh, chunks, links, snippet, full, fetch)


def _answers(article_id: int, made: Prepared) -> list[Message]:
    """The messages that show a prepared body (its snippet first, if any)."""
    body = ArticleBody(article_id, made.chunks, links=made.links, full=made.full, fetch=made.fetch)
    return [BodyMatch(article_id, made.snippet), body] if made.snippet else [body]


def _relaid(held: Prepared, terms: tuple[str, ...], width: int, images: bool) -> Prepared:
    """A prepared body laid out again for other terms or another width."""
    return _laid(
        held.epoch, held.md, held.fresh, terms, width, images, full=held.full, fetch=held.fetch
    )


class Bodies:
    """Prepares the body of the article being opened, answering ``node`` with messages.

    The thread does the work; a small Textual worker on the UI loop awaits
    it and posts the answers, so the app's workers (tests, ``watch_database``)
    see a body being prepared as they see any other work.  A body converted
    on its first open is stored after it was answered (never waiting for
    the database's write lock first), and ``BodyStored`` says so.
    """

    def __init__(self, node: DOMNode, library: Library) -> None:
        self._node = node
        self._library = library
        self._pool: ThreadPoolExecutor | None = None
        self._wanted: int | None = None
        #: Moves on with each open (a prefetch then stops) and each ``forget``.
        self._asked = 0
        #: Moves on with each ``forget``: what was prepared before is stale.
        self._epoch = 0
        #: Set by ``painted`` once an opened body is on screen, by article id.
        self._painted: dict[int, threading.Event] = {}
        #: Bodies prepared ahead, by article id (the body thread fills it, an
        #: open may take from it on the UI thread: ``_ahead_lock`` guards it).
        self._ahead: OrderedDict[int, Prepared] = OrderedDict()
        self._ahead_lock = threading.Lock()
        #: Set once ``warm`` has loaded the body machinery.
        self.warmed = threading.Event()
        #: Whether block images are chunks of their own (the pane draws pictures).
        self.images = False

    def warm(self) -> None:
        """Load the body machinery in the body thread while nothing is being read.

        Why: the first article opened would otherwise pay for importing
        markdown-it, the HTML converter and the code highlighter (about a
        third of a second), after the app has started without them.  An
        article opened meanwhile waits for it in the same thread, which is
        no longer than it would take by itself.
        """
        self._start().submit(self._warm)

    def _warm(self) -> None:
        _warm_up()
        self.warmed.set()

    def _start(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="gazette-body")
        return self._pool

    def load(self, article_id: int, terms: Sequence[str], width: int, *, clean: bool) -> None:
        """Start preparing ``article_id``'s body for ``width`` columns (UI thread).

        ``clean``: nothing from outside was pending (``BodyStored`` carries it).
        """
        self._wanted = article_id
        self._asked += 1
        ready: Future[list[Message]] = Future()
        painted = self._painted[article_id] = threading.Event()
        made = self._take_ahead(article_id, tuple(terms), width)
        if made is None:
            job = self._start().submit(
                self._prepare, article_id, tuple(terms), width, ready, painted
            )
        else:  # prepared ahead: answered now, stored by the thread after the paint
            ready.set_result([])
            for answer in _answers(article_id, made):
                self._node.post_message(answer)
            job = self._start().submit(self._stored, article_id, made, painted)
        self._node.run_worker(
            self._answer(article_id, ready, painted, job, clean),
            name="article-body",
            group="article-body",
            exit_on_error=False,
        )

    def prefetch(self, article_ids: Sequence[int], terms: Sequence[str], width: int) -> None:
        """Prepare these articles' bodies ahead, in this order (UI thread).

        Called once an opened article has painted, with the articles the
        reader is likely to open next.  Stops early when an article is
        opened meanwhile; what it prepared serves that open if it is one
        of them (``load`` takes it).
        """
        if self._pool is None or not article_ids:
            return
        self._pool.submit(self._prefetch, tuple(article_ids), tuple(terms), width, self._asked)

    def painted(self, article_id: int) -> None:
        """The article's body is on screen (UI thread, after the paint that
        showed it): a fresh conversion may be stored now (``_prepare``)."""
        event = self._painted.pop(article_id, None)
        if event is not None:
            event.set()

    def forget(self) -> None:
        """The database changed: bodies prepared ahead may be stale (UI thread)."""
        self._epoch += 1
        self._asked += 1

    def close(self) -> None:
        """Stop taking jobs; one that runs finishes, its answer dropped (the screen is gone)."""
        pool, self._pool, self._wanted = self._pool, None, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    async def _answer(
        self,
        article_id: int,
        ready: Future[list[Message]],
        painted: threading.Event,
        job: Future[bool],
        clean: bool,
    ) -> None:
        """UI loop: post the body when ready (if still wanted), let the thread store
        it once the screen has painted, then wait for that."""
        answers = await asyncio.wrap_future(ready)
        if not answers:  # answered already (prepared ahead), or skipped
            pass
        elif self._wanted == article_id and not gone(self._node):
            for answer in answers:
                self._node.post_message(answer)
        else:
            painted.set()
        stored = await asyncio.wrap_future(job)
        if stored and not gone(self._node):
            self._node.post_message(BodyStored(article_id, clean))

    def _prepare(
        self,
        article_id: int,
        terms: tuple[str, ...],
        width: int,
        ready: Future[list[Message]],
        painted: threading.Event,
    ) -> bool:
        """Body thread: read, convert, style and lay out (skipped if no longer wanted),
        answer through ``ready``, then store a fresh conversion once the screen has
        painted (storing runs Python for the search index: it would slow that
        paint down).  True if one was stored."""
        try:
            if self._wanted != article_id:
                ready.set_result([])
                return False
            try:
                made = self._body(article_id, terms, width)
            except Exception as exc:  # shown in the pane; never kills the app
                ready.set_result([ArticleBody(article_id, [], error=safe.clean(str(exc)))])
                return False
            ready.set_result(_answers(article_id, made))
            return self._store_when_painted(article_id, made, painted)
        finally:
            self._library.release_thread()

    def _stored(self, article_id: int, made: Prepared, painted: threading.Event) -> bool:
        """Body thread: ``_store_when_painted`` for a body prepared ahead and answered
        by its open."""
        try:
            return self._store_when_painted(article_id, made, painted)
        finally:
            self._library.release_thread()

    def _store_when_painted(
        self, article_id: int, made: Prepared, painted: threading.Event
    ) -> bool:
        """Body thread: store a fresh conversion once the screen has painted
        (storing runs Python for the search index: it would slow that paint
        down).  True if one was stored."""
        if made.fresh:
            painted.wait(timeout=PAINT_WAIT)
            self._save(article_id, made.md)
        return made.fresh

    def _take_ahead(self, article_id: int, terms: tuple[str, ...], width: int) -> Prepared | None:
        """The body prepared ahead for this open, taken from ``_ahead`` (any thread),
        or None when there is none for this width, these terms and this epoch."""
        with self._ahead_lock:
            ahead = self._ahead.get(article_id)
            if ahead is None or (ahead.epoch, ahead.width, ahead.terms) != (
                self._epoch,
                width,
                terms,
            ):
                return None
            del self._ahead[article_id]
            return ahead

    def _body(self, article_id: int, terms: tuple[str, ...], width: int) -> Prepared:
        """Body thread: the body to show, from ``_ahead`` when it was prepared
        ahead (laid out again if the width or the terms changed since)."""
        with self._ahead_lock:
            ahead = self._ahead.pop(article_id, None)
        if ahead is None or ahead.epoch != self._epoch:
            return self._made(article_id, terms, width)
        if ahead.width == width and ahead.terms == terms:
            return ahead
        return _relaid(ahead, terms, width, self.images)

    def _made(self, article_id: int, terms: tuple[str, ...], width: int) -> Prepared:
        """Body thread: read (and convert, on a first open) and lay out a body."""
        epoch = self._epoch
        shown = self._library.shown_text(article_id)
        md = safe.clean_block(shown.markdown)
        return _laid(
            epoch, md, shown.fresh, terms, width, self.images, full=shown.full, fetch=shown.fetch
        )

    def _prefetch(
        self, article_ids: tuple[int, ...], terms: tuple[str, ...], width: int, asked: int
    ) -> None:
        """Body thread: prepare bodies ahead until an open (or ``forget``) says stop.

        An article that fails is skipped: its open will meet the error and show it.
        """
        try:
            for article_id in article_ids:
                if self._asked != asked or self._pool is None:
                    return
                with self._ahead_lock:
                    held = self._ahead.get(article_id)
                try:
                    if held is None or held.epoch != self._epoch:
                        made = self._made(article_id, terms, width)
                    elif (held.width, held.terms) != (width, terms):
                        made = _relaid(held, terms, width, self.images)
                    else:
                        continue
                except Exception:
                    continue
                with self._ahead_lock:
                    self._ahead[article_id] = made
                    self._ahead.move_to_end(article_id)
                    while len(self._ahead) > KEEP_AHEAD:
                        self._ahead.popitem(last=False)
        finally:
            self._library.release_thread()

    def _save(self, article_id: int, md: str) -> None:
        """Store a fresh conversion; if that fails (a full disk, the article
        removed meanwhile) it is simply converted again next time."""
        with contextlib.suppress(Exception):
            self._library.save_markdown(article_id, md)
