"""The speed-ups tui.core.parse.speedups gives feedparser change nothing it returns.

``FeedParserDict.get`` no longer raises and catches a KeyError for a missing
key, the table feedparser translates every element's text with maps the
common characters to themselves, a URL joined with no base skips
``urljoin``, ``in``, ``setdefault`` and ``del`` of a missing content
parameter raise no KeyError, content parameters are copied as plain dicts, and
a UTF-8 document is converted to UTF-8 without being decoded
and encoded again; each must give what feedparser gave.
"""

from __future__ import annotations

import copy
from pathlib import Path

import feedparser.api
import feedparser.encodings
import feedparser.html
import feedparser.mixin
import feedparser.urls
import pytest
from feedparser.util import FeedParserDict

import tui.core.parse.speedups as speedups
from tui.core.errors import ParseError
from tui.core.models import ParsedFeed
from tui.core.parse import parse_feed

FIXTURES = Path(__file__).parent.parent / "fixtures"
ORIGINAL_GET = speedups._feedparser_get
ORIGINAL_TABLE = feedparser.html._cp1252  # the object feedparser.mixin imported
ORIGINAL_URLJOIN = feedparser.urls._urljoin
ORIGINAL_CONVERT = feedparser.encodings.convert_to_utf8
ORIGINAL_CONTAINS = speedups._feedparser_contains
ORIGINAL_SETDEFAULT = speedups._feedparser_setdefault


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
    monkeypatch.setattr(feedparser.mixin, "_urljoin", ORIGINAL_URLJOIN)
    monkeypatch.setattr(feedparser.api, "convert_to_utf8", ORIGINAL_CONVERT)
    monkeypatch.setattr(FeedParserDict, "__contains__", ORIGINAL_CONTAINS)
    monkeypatch.setattr(FeedParserDict, "setdefault", ORIGINAL_SETDEFAULT)
    monkeypatch.delattr(FeedParserDict, "__delitem__")
    monkeypatch.setattr(feedparser.mixin, "copy", copy)
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


URIS = (
    *("", "a", "/a", "entry-1", "urn:uuid:1", "tag:x.org,2020:1", "mailto:a@b", "//host/p"),
    *("http://h/p", "http:///h/p", "https:////h//p?q=1#f", "HTTP://h", "ftp://", "x://///"),
    *("http:h", "://h", "1http://h", "a+b-c.d://h", " http://h", "http://[::1]:80/", "é://h"),
    *("http://h/\u00e9", "http://h/a/../b", "../c", "?q", "#f", "http://[bad/"),
)
BASES = (None, "", "http://base.org/dir/", "https://b/x?y", "urn:x", "http://[bad/")


def test_urljoin_joins_as_feedparser_did() -> None:
    for base in BASES:
        for uri in URIS:
            assert feedparser.mixin._urljoin(base, uri) == ORIGINAL_URLJOIN(base, uri), (base, uri)


DOCUMENTS = (
    *(
        b'<?xml version="1.0" encoding="utf-8"?>\n<rss/>',
        b"<?xml version='1.0'?><rss>\xc3\xa9</rss>",
    ),
    *(b'<?xml version="1.0" encoding="UTF-8" ?>\r\n<feed/>', b"<rss>caf\xc3\xa9</rss>"),
    *(b'<?xml version="1.0" encoding="iso-8859-1"?><rss>\xe9</rss>', b"<rss>\xe9</rss>"),
    *(b'<?xml version="1.0" encoding="utf8"?><a>\xe2\x82\xac</a>', b"<?xml?><a/>", b"<?xml"),
    *(b'<?xml version="1.0" encoding="\xff"?><a/>', b'<?xml encoding="gb2312"?><a/>', b""),
    *(b"\xef\xbb\xbf<?xml version='1.0'?><a/>", "<a>é</a>".encode("utf-16-le"), b" <a/>"),
    *("<a>é</a>".encode("utf-16"), b"\x4c\x6f\xa7\x94\x93\x40", b"<a>\xed\xa0\x80</a>"),
    *(b"<?xml version='1.0' encoding='utf-8'?>\n<a b='>'>\xc3\xa9</a>", b"<!DOCTYPE a><a/>"),
)
HEADERS = (
    *("application/xml; charset=utf-8", "application/xml", "application/xml; charset=UTF-8"),
    *("application/xml; charset=utf8", "application/xml; charset=iso-8859-1", "text/xml"),
    *("application/rss+xml; charset=utf-8", ""),
)


def test_documents_convert_to_utf8_as_feedparser_converted_them() -> None:
    for content_type in HEADERS:
        headers = {"content-type": content_type} if content_type else {}
        for data in DOCUMENTS:
            ours: dict[str, object] = {}
            theirs: dict[str, object] = {}
            try:
                expected = ORIGINAL_CONVERT(headers, data, theirs)
            except Exception as exc:  # what feedparser raises, raised again
                with pytest.raises(type(exc)):
                    speedups.convert_to_utf8(headers, data, ours)
                continue
            got = speedups.convert_to_utf8(headers, data, ours)
            assert (got, ours.keys()) == (expected, theirs.keys()), (content_type, data)
            assert ours["encoding"] == theirs["encoding"], (content_type, data)
            assert repr(ours.get("bozo_exception")) == repr(theirs.get("bozo_exception"))


def test_contains_setdefault_and_del_answer_as_feedparser_did() -> None:
    d = FeedParserDict(
        tags=[FeedParserDict(term="t")], links=[], published="p", summary="s", mode="m"
    )
    keys = [*d.keys(), *FeedParserDict.keymap, "category", "enclosures", "license"]
    keys += ["updated", "updated_parsed", "missing", "base64", 0, ("t",)]
    for key in keys:
        assert (key in d) == ORIGINAL_CONTAINS(d, key), key
        ours, theirs = FeedParserDict(d), FeedParserDict(d)
        assert ours.setdefault(key, "x") == ORIGINAL_SETDEFAULT(theirs, key, "x"), key
        assert ours == theirs, key
    # feedparser's content parameters lose "mode" and "base64" after each element.
    params = FeedParserDict(type="text/html", mode="escaped")
    del params["mode"], params["mode"], params["base64"]
    assert params == {"type": "text/html"}
    with pytest.raises(KeyError):
        del params["license"]


def test_content_parameters_copy_as_deep_copies() -> None:
    params = FeedParserDict(type="text/html", language=None, base="", base64=0)
    clone = feedparser.mixin.copy.deepcopy(params)
    assert clone == params and clone is not params and type(clone) is FeedParserDict
    nested = FeedParserDict(type="text/html", tags=["a"])
    deep = feedparser.mixin.copy.deepcopy(nested)
    assert deep == nested and deep["tags"] is not nested["tags"]
