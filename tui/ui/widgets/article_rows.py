"""Drawing the article list: one line per row, and relative dates kept fresh.

``ListRows`` is the middle layer of ``ArticleList`` (``widgets/article_list.py``
says how the layers stack): ``render_line`` draws a row from the cached
page (markers, title with the searched words highlighted, feed, date).
The lines drawn are kept for the rows on screen (a few screens' worth at
most, ``LINES_KEPT``): a key that scrolls the list draws only the rows that
came into view, the rest are the same lines (issue 15: a Down at the
bottom of the list drew every row again, ~150 us each).  A line is drawn
again when its article record, the cursor or the date label changes, and
all of them when the list loads.  Lines are kept per look (the list's
styles: its component classes, which the focus and the theme change) and
width (``article_lines``): opening an article and going back switch
between two of them, and draw only what changed.

Dates are relative ("5m", "3h") and so go stale while the app stays open.
``render_line`` notes the date it painted on each visible row (the
article's timestamp and the label); every ``DATES_EVERY`` seconds
``tick_dates`` recomputes those labels and repaints just the rows whose
label changed.  It reads no pages and runs no SQL: when nothing on screen
would change it does a few dozen string comparisons and nothing else.
Textual keeps a widget's painted lines until they are marked dirty, so a
row whose label changed must be refreshed, and ``refresh_line`` redraws
the row from the cached page.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from tui.core import HIGHLIGHT_COLORS, Article, highlight_spans
from tui.ui import safe
from tui.ui.widgets.article_lines import Line
from tui.ui.widgets.article_pages import ListPages

__all__ = ["DATES_EVERY", "DATE_WIDTH", "ListRows", "relative_date"]

DATE_WIDTH = 8
#: Seconds between checks that the painted relative dates are still right.
DATES_EVERY = 30.0
#: Drawn lines kept before those off screen are dropped (a few screens' worth).
LINES_KEPT = 128


def relative_date(ts: int, now: float) -> str:
    """Short age when recent ("5m", "3h", "2d"), else "21 Mar" or "Mar 2023" (local time)."""
    age = now - ts
    if 0 <= age < 3600:
        return f"{max(1, int(age // 60))}m"
    if 0 <= age < 86400:
        return f"{int(age // 3600)}h"
    if 0 <= age < 7 * 86400:
        return f"{int(age // 86400)}d"
    when = datetime.fromtimestamp(ts)
    if when.year == datetime.fromtimestamp(now).year:
        return when.strftime("%d %b")
    return when.strftime("%b %Y")


class ListRows(ListPages):
    """Rows drawn from the cached pages; the relative dates repainted as they age."""

    def on_mount(self) -> None:
        self.set_interval(DATES_EVERY, self.tick_dates, name="article-list-dates")

    def tick_dates(self) -> int:
        """Repaint the visible rows whose relative date would now read differently.

        Works from what ``render_line`` last painted (no pages, no SQL), so
        when nothing on screen would change it repaints nothing.  Rows that
        scrolled out of view are forgotten.  Returns how many rows it
        repainted (for tests).
        """
        height = self.scrollable_content_region.height
        if not self._painted_dates or height <= 0:
            return 0  # hidden (narrow layout): it is repainted when shown again
        top = round(self.scroll_y)
        now = self.clock()
        stale: list[int] = []
        for index, (published, label) in list(self._painted_dates.items()):
            if not top <= index < top + height:
                del self._painted_dates[index]
            elif relative_date(published, now) != label:
                stale.append(index)
        for index in stale:
            self.refresh_line(index)
        return len(stale)

    # -- drawing ------------------------------------------------------------

    def notify_style_update(self) -> None:
        """The styles changed (focus, theme): lines are drawn in a look worked out again."""
        self._drawn.look = None
        self._base_style = None
        super().notify_style_update()

    @property
    def look(self) -> Hashable:
        """Everything the styles put into a line (kept until they change, ``article_lines``)."""
        if self._drawn.look is None:
            names = sorted(self.COMPONENT_CLASSES)
            self._drawn.look = (self.base_style, *map(self.get_component_rich_style, names))
        return self._drawn.look

    @property
    def base_style(self) -> Style:
        """The list's own style (``rich_style`` walks every ancestor: kept until it changes)."""
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def render_line(self, y: int) -> Strip:
        """Row ``scroll_y + y``, drawn again only when what it shows changed.

        A key scrolls the list one row or a page: the rows still on screen
        are the lines drawn before (same article record, cursor, width and
        date label), so only the rows that came into view are built.
        """
        width = self.scrollable_content_region.width
        index = round(self.scroll_y) + y
        if self.count == 0:
            self._painted_dates.pop(index, None)
            lines = self._empty_lines(width)
            if y < len(lines):
                strip = Strip(list(lines[y].render(self.app.console)), lines[y].cell_len)
                return strip.extend_cell_length(width, self.base_style).crop(0, width)
            return Strip.blank(width, self.base_style)
        article = self.article_at(index)
        if article is None:
            self._painted_dates.pop(index, None)
            return Strip.blank(width, self.base_style)
        date = relative_date(article.published, self.clock())
        self._painted_dates[index] = (article.published, date)
        cursor = index == self.cursor
        kept = self._drawn.lines(self.look, width)
        drawn = kept.get(index)
        if drawn is not None and drawn[0] is article and drawn[1:4] == (cursor, width, date):
            return drawn[4]
        text = self._row(article, width, cursor=cursor, date=date)
        strip = Strip(list(text.render(self.app.console)), text.cell_len)
        strip = strip.extend_cell_length(width, self.base_style).crop(0, width)
        self._keep_line(kept, index, (article, cursor, width, date, strip))
        return strip

    def _keep_line(self, lines: dict[int, Line], index: int, line: Line) -> None:
        """Keep a drawn line; past a few screens, only the rows on screen are kept."""
        if len(lines) >= LINES_KEPT:
            top, height = round(self.scroll_y), self.scrollable_content_region.height
            for row in [row for row in lines if not top <= row < top + height]:
                del lines[row]
        lines[index] = line

    def _empty_lines(self, width: int) -> list[Text]:
        """What an empty list says, wrapped to the width (a search error may be long).

        Styled with a span: ``Text.render`` drops a ``Text``'s own base style.
        """
        if self.notice:
            style = self.get_component_rich_style("article-list--notice")
            message = self.notice
        else:
            style = self.get_component_rich_style("article-list--empty")
            message = "No matches." if self.search_query is not None else self.empty_text
        lines: list[Text] = []
        for line in Text(safe.clean(message)).wrap(self.app.console, max(8, width - 3)):
            line = Text("  ") + line
            line.stylize(style)
            line.end = ""
            lines.append(line)
        return lines

    def row_text(self, index: int) -> Text | None:
        """The styled text of a row as drawn (for tests of highlighting)."""
        article = self.article_at(index)
        if article is None:
            return None
        width = self.scrollable_content_region.width or 80
        return self._row(article, width, cursor=index == self.cursor)

    def _row(
        self, article: Article, width: int, *, cursor: bool = False, date: str | None = None
    ) -> Text:
        """One row: markers, title, feed (when wide enough) and date, fitted to ``width``.

        ``date`` is the relative date label when the caller already has it.
        Matched words are styled last, so they stay visible under the cursor.
        """
        style = self.get_component_rich_style
        mark = style("article-list--marker")
        base = style("article-list--read" if article.read else "article-list--unread")
        meta = style("article-list--meta")
        markers = Text.assemble(
            ("●" if not article.read else " ", mark),
            ("★" if article.starred else " ", style("article-list--star")),
            ("✎" if article.has_note else " ", mark),
            ("#" if article.tags else " ", mark),
        )
        markers.stylize(Style(bgcolor=style("article-list--gutter").bgcolor))
        colour = article.highlight if article.highlight in HIGHLIGHT_COLORS else None
        markers.append("▌" if colour else " ", base)
        if date is None:
            date = relative_date(article.published, self.clock())
        date = date.rjust(DATE_WIDTH)
        feed_width = min(18, width // 5) if width >= 60 else 0
        title_width = width - markers.cell_len - feed_width - DATE_WIDTH - (2 if feed_width else 1)
        full = safe.clean(article.title) or "(untitled)"
        title = safe.truncate(full, title_width)
        row = markers
        title_at = len(row.plain)  # the bar (or space) before it is ``title_at - 1``
        row.append(title + " " * max(0, title_width - Text(title).cell_len), base)
        if feed_width:
            feed = safe.truncate(safe.clean(article.feed_title), feed_width)
            row.append(" " + feed + " " * (feed_width - Text(feed).cell_len), meta)
        row.append(" " + date, meta)
        row.no_wrap = True
        row.end = ""
        if cursor:
            row.stylize(style("article-list--cursor"))
        if colour:
            # A rule's colour: a bar before the title, on the list's own
            # background even under the cursor (a yellow or green cursor
            # would swallow it), so it shows in every theme.
            bar = Style(color=colour, bgcolor=self.base_style.bgcolor, bold=False)
            row.stylize(bar, title_at - 1, title_at)
        if self.terms:
            # ``title`` is a prefix of ``full`` plus "…" when cut: clip to it.
            shown = len(title) - (0 if title == full else 1)
            match = style("article-list--match")
            for start, end in highlight_spans(full, self.terms):
                if start >= shown:
                    break
                row.stylize(match, title_at + start, title_at + min(end, shown))
        return row
