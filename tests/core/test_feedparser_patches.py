"""The speed-ups xmlfeed gives feedparser change nothing it returns.

``FeedParserDict.get`` no longer raises and catches a KeyError for a missing
key, and the table feedparser translates every element's text with maps the
common characters to themselves; both must give what feedparser gave.
"""

from __future__ import annotations

from pathlib import Path

import feedparser.html
import feedparser.mixin
import pytest
from feedparser.util import FeedParserDict

import tui.core.parse.xmlfeed as xmlfeed
from tui.core.errors import ParseError
from tui.core.models import ParsedFeed
from tui.core.parse import parse_feed

FIXTURES = Path(__file__).parent.parent / "fixtures"
ORIGINAL_GET = xmlfeed._feedparser_get
ORIGINAL_TABLE = feedparser.html._cp1252  # the object feedparser.mixin imported


def parse_all() -> dict[str, ParsedFeed | str]:
    out: dict[str, ParsedFeed | str] = {}
    paths = sorted([*(FIXTURES / "corpus").glob("*.*"), *(FIXTURES / "feeds").rglob("*.*")])
    for path in paths:
        try:
            out[path.name] = parse_feed(path.read_bytes(), f"https://example.org/{path.name}")
        except ParseError as exc:
            out[path.name] = str(exc)
    return out


def test_the_corpus_parses_the_same_with_feedparser_as_shipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast = parse_all()
    monkeypatch.setattr(FeedParserDict, "get", ORIGINAL_GET)
    monkeypatch.setattr(feedparser.mixin, "_cp1252", ORIGINAL_TABLE)
    shipped = parse_all()
    assert sum(isinstance(f, ParsedFeed) for f in shipped.values()) > 60
    assert fast == shipped


@pytest.mark.filterwarnings("ignore:To avoid breaking existing software:DeprecationWarning")
def test_get_answers_as_getitem_does() -> None:
    links = [FeedParserDict(rel="enclosure", href="a"), FeedParserDict(rel="license", href="b")]
    d = FeedParserDict(
        tags=[FeedParserDict(term="t")],
        links=links,
        published="p",
        published_parsed=(1,),
        href="h",
        description="d",
        rights="r",
        value=None,
    )
    keys = [*d.keys(), *FeedParserDict.keymap, "category", "enclosures", "license"]
    keys += ["updated", "updated_parsed", "missing", "base64", 0, ("t",)]
    for key in keys:
        assert d.get(key) == ORIGINAL_GET(d, key), key
        assert d.get(key, 5) == ORIGINAL_GET(d, key, 5), key
    empty = FeedParserDict()
    for key in keys:
        assert empty.get(key, "x") == ORIGINAL_GET(empty, key, "x") == "x", key


def test_every_character_translates_as_feedparser_translated_it() -> None:
    text = "".join(map(chr, range(0x110000)))
    assert text.translate(feedparser.mixin._cp1252) == text.translate(ORIGINAL_TABLE)
    assert feedparser.mixin._cp1252 is not ORIGINAL_TABLE
