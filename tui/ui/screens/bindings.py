"""The reader screen's key bindings, in the order the help and the footer list them.

Kept apart from ``MainScreen`` because the table is data that the app also
reads (keymap validation, the help screen) and that grows with each key;
the screen's behaviour is in the modules that implement the actions.
Every binding has an ``id`` so a user's keymap can rebind it.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

__all__ = ["BINDINGS"]


def _b(key: str, action: str, description: str, bid: str, tip: str, show: bool = False) -> Binding:
    return Binding(key, action, description, show=show, id=bid, tooltip=tip)


BINDINGS: list[BindingType] = [
    _b("q", "app.quit_app", "Quit", "quit", "Save the note and quit", True),
    _b("question_mark", "app.help", "Keys", "help", "Show every key", True),
    _b("enter,l", "open", "Open", "open", "Open the article or view", True),
    _b("escape,h", "back", "Back", "back", "Go back one pane", True),
    _b("tab", "cycle(1)", "Next pane", "next_pane", "Move to the next pane"),
    _b("shift+tab", "cycle(-1)", "Previous pane", "previous_pane", "Move to the previous pane"),
    _b("g", "top", "Top", "top", "Go to the top"),
    _b("G", "bottom", "Bottom", "bottom", "Go to the bottom"),
    _b(
        "n",
        "next_unread(1)",
        "Next unread",
        "next_unread",
        "Open the next unread in this view",
        True,
    ),
    _b(
        "N",
        "next_unread(-1)",
        "Previous unread",
        "previous_unread",
        "Open the previous unread in this view",
    ),
    _b("space", "page", "Page", "page", "Scroll the article; at its end open the next unread"),
    _b("m", "toggle_read", "Read/unread", "toggle_read", "Toggle read"),
    _b("A", "mark_all_read", "All read", "mark_all_read", "Mark everything in the view read"),
    _b("u", "undo", "Undo", "undo", "Undo the last change (read, star, tags, notes, feeds...)"),
    _b("U,ctrl+r", "redo", "Redo", "redo", "Redo the change undone last"),
    _b("s", "star", "Star", "star", "Star or unstar the article", True),
    _b("o", "open_link", "Browser", "open_link", "Open the article's link in the browser"),
    _b(
        "F",
        "full_text",
        "Full article",
        "full_text",
        "Fetch the full article from its page; again: the feed's text",
    ),
    _b("y", "copy_link", "Copy link", "copy_link", "Copy the article's link"),
    # Numbered links: the [N] after a link in the article, listed at its end.
    _b("L", "link_number('open')", "Open link N", "open_link_number", "Open link N (asks N)"),
    _b("Y", "link_number('copy')", "Copy link N", "copy_link_number", "Copy link N (asks N)"),
    _b("O", "flip_order", "Flip order", "flip_order", "Newest or oldest first in this view"),
    _b("slash", "search", "Search", "search", "Search articles as you type"),
    _b("t", "tag", "Tags", "tag", "Edit the article's tags"),
    _b("T", "tag_view", "Tag view", "tag_view", "Edit the tags of every article in the view"),
    _b("r", "refresh_selected", "Refresh", "refresh", "Refresh the selected feed", True),
    _b("R", "app.refresh_all", "Refresh all", "refresh_all", "Refresh every feed"),
    _b(
        "x",
        "app.stop_refresh",
        "Stop refresh",
        "stop_refresh",
        "Stop the running refresh, keeping what arrived",
    ),
    _b("e", "edit_note", "Note", "edit_note", "Write a note on the article", True),
    _b("E", "toggle_notes", "Notes panel", "toggle_notes", "Show or hide the notes panel"),
    _b(
        "Q",
        "quote_to_note",
        "Quote to note",
        "quote_to_note",
        "Quote the paragraph or selection in the note",
    ),
    _b("a", "app.add_feed", "Add feed", "add_feed", "Subscribe to a feed"),
    _b("f", "rules", "Rules…", "rules", "Rules: add, edit, turn on/off, apply to stored articles"),
    _b(
        "d",
        "delete_selected",
        "Delete",
        "delete_feed",
        "Delete the selected feed, tag or saved search",
    ),
]
