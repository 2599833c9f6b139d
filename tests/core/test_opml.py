"""OPML import and export: real-world shapes, hostile files, and the round trip.

Import is the first thing a new user does with Gazette, with a file written by
another program; it must take what those programs write, refuse what would
hurt (entity bombs, XXE), and say in one line why a file was refused.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tracemalloc
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from tui.core.errors import InputError
from tui.core.opml import OpmlFeed, parse_opml, write_opml

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "opml"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CREATED = datetime(2024, 3, 2, 9, 15, tzinfo=UTC)


def peak_memory(fn: Callable[[bytes], str], data: bytes) -> tuple[str, int]:
    """``fn(data)`` and the most memory it held at once: expansion shows here, not on a clock."""
    tracemalloc.start()
    try:
        return fn(data), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def load(name: str) -> bytes:
    """The bytes of one fixture file."""
    return (FIXTURES / name).read_bytes()


def feed(
    url: str,
    title: str | None = None,
    site_url: str | None = None,
    folder: str | None = None,
    tags: tuple[str, ...] = (),
) -> OpmlFeed:
    """An OpmlFeed with defaults, to keep expectations short."""
    return OpmlFeed(url=url, title=title, site_url=site_url, folder=folder, tags=tags)


def assert_refused(data: bytes, source: str = "subs.opml") -> str:
    """Parse must fail with a one-line InputError naming the source; returns the message."""
    with pytest.raises(InputError) as info:
        parse_opml(data, source)
    message = str(info.value)
    assert message.startswith(f"{source}: not a valid OPML file (")
    assert message.endswith(")")
    assert "\n" not in message
    return message


# --- reading real exports ---------------------------------------------------------------


def test_nested_export_gives_folder_paths_in_document_order() -> None:
    assert parse_opml(load("nested.opml")) == [
        feed(
            "https://news.ycombinator.com/rss",
            "Hacker News",
            "https://news.ycombinator.com/",
            "Tech",
        ),
        feed(
            "https://planetpython.org/rss20.xml",
            "Planet Python",
            "https://planetpython.org/",
            "Tech/Python",
        ),
        # lower-case xmlurl/htmlurl, no title attribute: text is the title
        feed(
            "https://github.com/Textualize/textual/releases.atom",
            "Textual releases",
            "https://github.com/Textualize/textual",
            "Tech/Python",
        ),
        # whitespace around the URL is not part of it; back in the parent folder
        feed("https://lwn.net/headlines/rss", "LWN.net", None, "Tech"),
        # folder named by text only; empty htmlUrl is unknown
        feed("https://www.nature.com/nature.rss", "Nature", None, "News/Science"),
        # empty title attribute falls back to text; a blank xmlUrl is skipped
        feed("https://blog.example.org/feed.xml", "Top-level blog", None, None),
    ]


def test_category_attribute_becomes_tags() -> None:
    feeds = {f.url.rsplit("/", 1)[1]: f for f in parse_opml(load("categories.opml"))}
    assert feeds["weather.xml"].tags == ("Boston/Weather", "Harvard/Berkman")
    # case-insensitive dedup keeps the first spelling; empty items and outer slashes go
    assert feeds["cafe.xml"].tags == ("food", "travel")
    assert feeds["plain.xml"].tags == ()
    assert feeds["blank.xml"].tags == ()


def test_declared_encoding_is_honoured() -> None:
    titles = [f.title for f in parse_opml(load("categories.opml"))]
    assert "Café culture" in titles  # a raw 0xE9 byte in an ISO-8859-1 file


def test_duplicate_urls_keep_the_first_entry() -> None:
    assert parse_opml(load("duplicates.opml")) == [
        feed("https://example.org/feed.xml", "Example (first)", folder="First"),
        feed("https://example.org/other.xml", "Other", folder="Second"),
    ]


def test_namespaces_bom_and_leading_whitespace_are_tolerated() -> None:
    data = (
        b"\xef\xbb\xbf\n  <?xml version='1.0'?>"
        b'<opml xmlns="http://opml.org/spec2" version="2.0"><body>'
        b'<outline TEXT="Folder"><outline XMLURL="https://e.org/f" Title="T"/></outline>'
        b"</body></opml>"
    )
    assert parse_opml(data) == [feed("https://e.org/f", "T", folder="Folder")]


def test_outlines_outside_body_and_nameless_folders() -> None:
    data = (
        b"<opml><head><outline xmlUrl='https://e.org/in-head'/></head><body>"
        b"<outline><outline text='Named'><outline xmlUrl='https://e.org/a'/></outline></outline>"
        b"<outline text='F' xmlUrl='https://e.org/feed-with-children'>"
        b"<outline xmlUrl='https://e.org/child'/></outline>"
        b"</body></opml>"
    )
    assert parse_opml(data) == [
        feed("https://e.org/a", folder="Named"),
        feed("https://e.org/feed-with-children", "F"),
        # a feed outline is not a folder for what it contains
        feed("https://e.org/child"),
    ]


def test_empty_body_is_an_empty_list() -> None:
    assert parse_opml(b'<opml version="2.0"><head/><body/></opml>') == []


# --- refusing broken files ----------------------------------------------------------------


@pytest.mark.hostile
def test_truncated_file_is_refused_with_a_line_number() -> None:
    message = assert_refused(load("truncated.opml"))
    assert "line 7" in message


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "no element found"),
        (b"this is not xml", "syntax error"),
        (b"<opml><body><outline text='a'></body></opml>", "mismatched tag"),
        (b'<rss version="2.0"><channel/></rss>', "root element is <rss>, not <opml>"),
        (b'<opml version="2.0"><head/></opml>', "no <body> element"),
        (b'<?xml version="1.0" encoding="no-such-codec"?><opml/>', "unknown encoding"),
        (b'<?xml version="1.0" encoding="shift_jis"?><opml/>', "multi-byte encodings"),
    ],
)
@pytest.mark.hostile
def test_malformed_files_are_refused(data: bytes, reason: str) -> None:
    assert reason in assert_refused(data)


def test_source_defaults_to_opml() -> None:
    with pytest.raises(InputError, match=r"^OPML: not a valid OPML file \("):
        parse_opml(b"<nope")


# --- hostile files ------------------------------------------------------------------------


@pytest.mark.hostile
def test_billion_laughs_is_not_expanded() -> None:
    message, peak = peak_memory(assert_refused, load("billion_laughs.opml"))
    assert peak < 1_000_000, peak  # expanded until expat's own limit stops it: 4 MB
    assert "lol" not in message
    # the DOCTYPE is cut out with its newlines kept: the line is the outline's own
    assert "undefined entity: line 17" in message


@pytest.mark.hostile
def test_quadratic_blowup_is_not_expanded() -> None:
    big = "A" * 100_000
    data = (
        f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "{big}">]>'
        f"<opml><body><outline xmlUrl='https://e.org/' text='{'&a;' * 50_000}'/></body></opml>"
    ).encode()
    message, peak = peak_memory(assert_refused, data)
    assert "undefined entity" in message
    assert peak < 1_000_000, peak  # expanded until expat's own limit stops it: 34 MB


@pytest.mark.hostile
def test_external_entity_is_not_resolved() -> None:
    assert "undefined entity" in assert_refused(load("xxe.opml"))


@pytest.mark.hostile
def test_doctype_the_byte_filter_cannot_see_is_refused_before_its_entities() -> None:
    # UTF-16 hides "<!DOCTYPE" from the byte regex; the parser hook still refuses it.
    text = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        '<!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        "<opml><body><outline xmlUrl='https://e.org/' text='&b;'/></body></opml>"
    )
    assert "DOCTYPE declarations are not allowed" in assert_refused(text.encode("utf-16"))


def test_harmless_doctype_is_stripped_and_the_file_reads() -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE opml PUBLIC "-//x//OPML//EN" "http://e.org/opml.dtd">\n'
        b"<opml><body><outline xmlUrl='https://e.org/f' text='F'/></body></opml>"
    )
    assert parse_opml(data) == [feed("https://e.org/f", "F")]


def test_utf16_file_without_doctype_reads() -> None:
    text = (
        "<?xml version='1.0' encoding='UTF-16'?>"
        "<opml><body><outline xmlUrl='https://e.org/ü' text='Ü'/></body></opml>"
    )
    assert parse_opml(text.encode("utf-16")) == [feed("https://e.org/ü", "Ü")]


@pytest.mark.hostile
def test_hostile_titles_are_cleaned_but_kept_as_text() -> None:
    feeds = parse_opml(load("hostile.opml"))
    folder = "[bold red]Folder[/] <b>x</b>"
    assert [(f.url, f.title, f.folder) for f in feeds] == [
        (
            "https://example.org/a.xml?x=1&y=2",
            '<script>alert("x")</script> & co',
            folder,
        ),
        ("https://example.org/b.xml", "[@click=app.quit]Click[/]", folder),
        # raw control bytes (ill-formed XML) are dropped rather than failing the file,
        # with the whole escape sequence they start
        ("https://example.org/c.xml", "Bell and red raw", folder),
        # so are references to forbidden characters; C1 sequences are stripped after
        ("https://example.org/d.xml", "CSI and refs", folder),
        ("https://example.org/e.xml", "tabs and newlines", folder),
        # bidi override gone
        ("https://example.org/f.xml", "evilexe.txt", folder),
    ]
    for f in feeds:
        for value in (f.url, f.title or "", f.folder or "", *f.tags):
            assert not CONTROL.search(value)


# --- size and depth ---------------------------------------------------------------------


@pytest.mark.hostile
def outlines(n: int) -> bytes:
    """An OPML file of ``n`` feeds, a hundred to a folder, each with tags."""
    parts = ['<?xml version="1.0"?><opml version="2.0"><head/><body>']
    for i in range(n):
        if i % 100 == 0:
            parts.append(f'<outline text="Folder {i // 100}">')
        parts.append(
            f'<outline type="rss" text="Feed {i}" xmlUrl="https://e.org/{i}.xml" '
            f'htmlUrl="https://e.org/{i}" category="/news,tag{i % 7}"/>'
        )
        if i % 100 == 99:
            parts.append("</outline>")
    parts.append("</body></opml>")
    return "".join(parts).encode()


def calls_made(fn: Callable[[], object]) -> int:
    """How many Python and C function calls ``fn()`` makes: a clock-free measure of work."""
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.hostile
def test_ten_thousand_outlines_parse_in_linear_work() -> None:
    data = outlines(10_000)
    feeds = parse_opml(data)

    assert len(feeds) == 10_000
    # Ten times the outlines, ten times the calls: a per-feed scan of the feeds so far
    # (a duplicate check over a list, a folder lookup) makes it about 90 times.
    small = calls_made(lambda: parse_opml(outlines(1_000)))
    large = calls_made(lambda: parse_opml(data))
    assert large < 11 * small, (small, large)
    assert feeds[0] == feed(
        "https://e.org/0.xml", "Feed 0", "https://e.org/0", "Folder 0", ("news", "tag0")
    )
    assert feeds[-1].folder == "Folder 99"
    assert parse_opml(write_opml(feeds).encode()) == feeds


@pytest.mark.hostile
def test_deep_nesting_does_not_recurse() -> None:
    depth = 20_000
    data = (
        "<opml><body>"
        + '<outline text="d">' * depth
        + '<outline xmlUrl="https://e.org/deep" text="Deep"/>'
        + "</outline>" * depth
        + '<outline xmlUrl="https://e.org/top" text="Top"/>'
        + "</body></opml>"
    ).encode()
    feeds = parse_opml(data)
    assert feeds[0].folder == "/".join(["d"] * depth)
    assert feeds[1] == feed("https://e.org/top", "Top")
    # writing folds the deep tail into one outline and still round-trips
    assert parse_opml(write_opml(feeds).encode()) == feeds


# --- writing ------------------------------------------------------------------------------


SAMPLE = [
    feed("https://e.org/a", "A", "https://e.org/", "Tech", ("python", "Weekly")),
    feed("https://e.org/b", None, None, "Tech/Python"),
    feed("https://e.org/c", "C", None, "Tech/Python", ("x",)),
    feed("https://e.org/d", "D", None, "Tech"),
    feed("https://e.org/e", "E", "https://e.org/e/", None, ("top",)),
    feed("https://e.org/f", "F", None, "News/World/Europe"),
]


def test_write_produces_opml_2_with_head_and_nested_folders() -> None:
    text = write_opml(SAMPLE, title="My feeds", created=CREATED)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "opml"
    assert root.get("version") == "2.0"
    assert root.findtext("head/title") == "My feeds"
    created = root.findtext("head/dateCreated")
    assert created == "Sat, 02 Mar 2024 09:15:00 GMT"
    assert parsedate_to_datetime(created) == CREATED

    body = root.find("body")
    assert body is not None
    tech = body[0]
    assert (tech.get("text"), tech.get("title"), tech.get("xmlUrl")) == ("Tech", "Tech", None)
    a = tech[0]
    assert a.attrib == {
        "type": "rss",
        "text": "A",
        "title": "A",
        "xmlUrl": "https://e.org/a",
        "htmlUrl": "https://e.org/",
        "category": "python,Weekly",
    }
    python = tech[1]
    assert python.get("text") == "Python"
    b = python[0]
    # no title known: text (required) carries the URL, no title or htmlUrl attribute
    assert b.attrib == {"type": "rss", "text": "https://e.org/b", "xmlUrl": "https://e.org/b"}
    assert [o.get("xmlUrl") for o in python] == ["https://e.org/b", "https://e.org/c"]
    assert tech[2].get("xmlUrl") == "https://e.org/d"
    assert body[1].get("xmlUrl") == "https://e.org/e"
    europe = body[2][0][0]
    assert europe.get("text") == "Europe"
    assert europe[0].get("xmlUrl") == "https://e.org/f"


def test_write_defaults_date_to_now_in_utc() -> None:
    root = ET.fromstring(write_opml([]))
    created = parsedate_to_datetime(root.findtext("head/dateCreated") or "")
    assert abs((datetime.now(UTC) - created).total_seconds()) < 60
    assert root.findtext("head/title") == "Gazette subscriptions"


def test_round_trip() -> None:
    assert parse_opml(write_opml(SAMPLE).encode("utf-8")) == SAMPLE


def test_round_trip_of_a_parsed_export() -> None:
    original = parse_opml(load("nested.opml")) + parse_opml(load("categories.opml"))
    assert parse_opml(write_opml(original).encode()) == original


@pytest.mark.hostile
def test_hostile_values_are_escaped_and_round_trip() -> None:
    nasty = [
        feed(
            "https://e.org/?a=1&b=<2>&c=\"3\"&d='4'",
            "Tom & Jerry <script>alert(\"hi\")</script> 'quoted' ]]> &amp; [/]",
            "https://e.org/?x=1&y=2",
            'Folder & "Co" <x>',
            ("a&b", "<tag>", '"q"'),
        ),
        feed(
            "https://e.org/2", "--> <!-- [@click=app.quit]x[/]", None, "Folder & \"Co\" <x>/'Sub'"
        ),
    ]
    text = write_opml(nasty, title='Title & <head> "q"')
    assert "<script>" not in text
    root = ET.fromstring(text.encode())
    assert root.findtext("head/title") == 'Title & <head> "q"'
    assert parse_opml(text.encode()) == nasty


@pytest.mark.hostile
def test_write_cleans_control_characters_so_the_output_stays_well_formed() -> None:
    dirty = [
        feed(
            "https://e.org/1", "Bell\x07 \x1b[31mred\x1b[0m\x9b", None, "Fol\x00der", ("t\x01ag",)
        ),
    ]
    text = write_opml(dirty, title="Head\x1b]0;pwned\x07")
    assert not CONTROL.search(text.replace("\n", ""))
    assert parse_opml(text.encode()) == [
        feed("https://e.org/1", "Bell red", None, "Folder", ("tag",)),
    ]


def test_write_groups_by_folder_and_keeps_order_within_each() -> None:
    scattered = [
        feed("https://e.org/1", "1", folder="A"),
        feed("https://e.org/2", "2", folder="B"),
        feed("https://e.org/3", "3", folder="A"),
        feed("https://e.org/4", "4"),
        feed("https://e.org/5", "5", folder="A/Sub"),
        feed("https://e.org/6", "6", folder="A"),
    ]
    back = parse_opml(write_opml(scattered).encode())
    assert [f.url[-1] for f in back] == ["1", "3", "5", "6", "2", "4"]
    assert sorted(back, key=lambda f: f.url) == scattered


def test_write_skips_duplicate_and_empty_urls() -> None:
    feeds = [
        feed("https://e.org/1", "first"),
        feed("  ", "blank"),
        feed("https://e.org/1", "second", folder="X"),
    ]
    assert parse_opml(write_opml(feeds).encode()) == [feed("https://e.org/1", "first")]


def test_folder_paths_are_normalised_the_same_way_on_both_sides() -> None:
    feeds = [feed("https://e.org/1", "1", folder="/ A // B /")]
    assert parse_opml(write_opml(feeds).encode()) == [feed("https://e.org/1", "1", folder="A/B")]
    # a folder outline whose own name holds a slash reads back as a path
    data = b"<opml><body><outline text='AC/DC'><outline xmlUrl='https://e.org/x'/></outline></body></opml>"
    assert parse_opml(data)[0].folder == "AC/DC"


def test_core_module_does_not_load_textual_or_rich() -> None:
    code = (
        "import sys, tui.core.opml; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
