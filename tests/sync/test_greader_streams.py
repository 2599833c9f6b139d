"""GReaderClient: lists, id pages, item contents and batched edits, on recorded answers."""

from __future__ import annotations

import json

import httpx
import pytest
from greader_server import FakeServer, answer, recorded

from tui.core.sync.dialects import FRESHRSS, MINIFLUX, Dialect
from tui.core.sync.errors import SyncError
from tui.core.sync.ids import READ, READING_LIST, STARRED, label_stream
from tui.core.sync.records import Item, Label, Subscription

IDS = "reader/api/0/stream/items/ids"
CONTENTS = "reader/api/0/stream/items/contents"
EDIT = "reader/api/0/edit-tag"
TOKEN = "reader/api/0/token"


async def test_freshrss_subscriptions_and_labels() -> None:
    srv = FakeServer()
    srv.on("reader/api/0/subscription/list", recorded("freshrss", "subscription_list"))
    srv.on("reader/api/0/tag/list", recorded("freshrss", "tag_list"))
    client = srv.client(FRESHRSS)
    subs = await client.subscriptions()
    assert [(s.stream_id, s.folders) for s in subs] == [
        ("feed/1", ("Folder0",)),
        ("feed/2", ("Folder0",)),
        ("feed/3", ("Folder1",)),
        ("feed/4", ("Folder1",)),
    ]
    assert subs[0].url.endswith("/feeds/0.xml")
    assert subs[0].html_url == "https://news0.example.com/"
    assert await client.labels() == [
        Label("Folder0", True),
        Label("Folder1", True),
        Label("Later", False),
    ]


async def test_miniflux_numbered_user_streams_are_read_as_own() -> None:
    srv = FakeServer()
    srv.on("reader/api/0/subscription/list", recorded("miniflux", "subscription_list"))
    srv.on("reader/api/0/tag/list", recorded("miniflux", "tag_list"))
    client = srv.client(MINIFLUX)
    assert await client.subscriptions() == [
        Subscription(
            "feed/7",
            "Planet Python",
            "https://planetpython.org/rss20.xml",
            "https://planetpython.org/",
            ("Tech",),
        ),
        Subscription(
            "feed/9", "LWN", "https://lwn.net/headlines/rss", "https://lwn.net/", ("All",)
        ),
    ]
    assert await client.labels() == [Label("All", True), Label("Tech", True)]


async def test_freshrss_ids_follow_the_continuation() -> None:
    srv = FakeServer()
    last = answer(200, json.dumps({"itemRefs": [{"id": "1796697518372371"}]}))
    srv.on(IDS, recorded("freshrss", "ids_page1"), recorded("freshrss", "ids_page2"), last)
    ids = await srv.client(FRESHRSS).item_ids(READING_LIST, exclude=READ, newer_than=1767225600)
    assert len(ids) == 41
    assert ids[0] == "1796697518372411" and ids[-1] == "1796697518372371"
    pages = srv.requests(IDS)
    assert [p.values("c") for p in pages] == [[], ["1796697518372392"], ["1796697518372372"]]
    for page in pages:
        assert page.values("s") == [READING_LIST]
        assert page.values("xt") == [READ]
        assert page.values("ot") == ["1767225600"]
        assert page.values("n") == ["10000"]
        assert page.values("output") == ["json"]


async def test_miniflux_ids_follow_the_offset() -> None:
    srv = FakeServer()
    srv.on(IDS, recorded("miniflux", "ids_page1"), recorded("miniflux", "ids_page2"))
    ids = await srv.client(MINIFLUX).item_ids(STARRED)
    assert ids == ["1043", "1042", "1041", "1040", "1039"]
    assert [p.values("c") for p in srv.requests(IDS)] == [[], ["3"]]


async def test_ids_stop_at_the_limit() -> None:
    srv = FakeServer()
    srv.on(IDS, recorded("freshrss", "ids_page1"), recorded("freshrss", "ids_page2"))
    ids = await srv.client(FRESHRSS).item_ids(READING_LIST, limit=25)
    assert len(ids) == 25
    assert [p.values("n") for p in srv.requests(IDS)] == [["25"], ["5"]]


@pytest.mark.parametrize(
    "page",
    [
        {"itemRefs": [{"id": "1"}], "continuation": "c1"},  # the same continuation again
        {"itemRefs": [], "continuation": "c2"},  # an empty page that goes on
    ],
)
async def test_a_continuation_going_round_is_an_error(page: dict[str, object]) -> None:
    srv = FakeServer()
    srv.on(
        IDS,
        answer(200, json.dumps({"itemRefs": [{"id": "1"}], "continuation": "c1"})),
        answer(200, json.dumps(page)),
    )
    with pytest.raises(SyncError, match="continuation that goes round on stream/items/ids"):
        await srv.client(FRESHRSS).item_ids(READING_LIST)


async def test_ids_of_odd_shapes() -> None:
    srv = FakeServer()
    refs = [
        {"id": "tag:google.com,2005:reader/item/000000000000001f"},
        {"id": 32},
        {"id": None},
        {"nothing": 1},
        "33",
        {"id": "x" * 600},
        {"id": "5f3c1a9e0b7d2c4e6f8a1b3c"},
    ]
    srv.on(IDS, answer(200, json.dumps({"itemRefs": refs, "continuation": 0})))
    ids = await srv.client(FRESHRSS).item_ids(READING_LIST)
    assert ids == ["31", "32", "5f3c1a9e0b7d2c4e6f8a1b3c"]


async def test_an_empty_stream_may_have_no_item_refs() -> None:
    srv = FakeServer()
    srv.on(IDS, answer(200, "{}"))
    assert await srv.client(FRESHRSS).item_ids(STARRED) == []


async def test_freshrss_items() -> None:
    srv = FakeServer()
    srv.on(TOKEN, recorded("freshrss", "token"))
    srv.on(CONTENTS, recorded("freshrss", "items_contents"))
    client = srv.client(FRESHRSS)
    ids = ["1796697518372411", "1796697518372410", "1796697518372409"]
    items = await client.items(ids, folders={"Folder0", "Folder1"})
    assert [i.id for i in items] == ids
    first, second, third = items
    assert first == Item(
        id="1796697518372411",
        feed="feed/1",
        feed_title=first.feed_title,
        title="Feed 0 item 0",
        url="https://news0.example.com/0",
        author="writer0@example.com (Writer 0)",
        published=1767225600,
        updated=None,
        content_html="<p>Body of item 0 of feed 0.</p>",
        read=True,
        starred=True,
        labels=(),
        categories=("topic0",),
    )
    assert (second.read, second.starred, second.labels) == (False, True, ("Later",))
    assert (third.read, third.starred, third.labels) == (False, False, ())
    (request,) = srv.requests(CONTENTS)
    assert request.method == "POST"
    assert request.values("i") == ids  # as stored: FreshRSS takes short ids
    assert client.skipped_items == 0


async def test_without_folders_every_label_is_returned() -> None:
    srv = FakeServer()
    srv.on(TOKEN, recorded("freshrss", "token"))
    srv.on(CONTENTS, recorded("freshrss", "items_contents"))
    items = await srv.client(FRESHRSS).items(["1796697518372410"])
    assert items[1].labels == ("Folder0", "Later")


async def test_miniflux_items_are_asked_by_long_id() -> None:
    srv = FakeServer()
    srv.on(TOKEN, recorded("miniflux", "token"))
    srv.on(CONTENTS, recorded("miniflux", "items_contents"))
    items = await srv.client(MINIFLUX).items(["1043", "1042"], folders={"All", "Tech"})
    assert srv.requests(CONTENTS)[0].values("i") == [
        "tag:google.com,2005:reader/item/0000000000000413",
        "tag:google.com,2005:reader/item/0000000000000412",
    ]
    assert [(i.id, i.read, i.starred, i.labels, i.updated) for i in items] == [
        ("1043", True, False, (), 1767229200),
        ("1042", False, True, (), 1767229200),
    ]
    assert items[0].url == "https://lwn.net/Articles/1043/"
    assert items[0].content_html == "<p>Article 1043</p>"


async def test_items_with_missing_or_wrong_fields() -> None:
    srv = FakeServer()
    srv.on(TOKEN, recorded("freshrss", "token"))
    body = {
        "items": [
            {
                "id": "tag:google.com,2005:reader/item/0000000000000001",
                "origin": {"streamId": "feed/1"},
            },
            {
                "id": "2",
                "origin": {"streamId": "feed/1"},
                "title": 7,
                "published": "soon",
                "timestampUsec": "1767225600000000",
                "categories": "user/-/state/com.google/read",
                "alternate": [{"href": 3}, {"href": " https://e.org/2 "}],
                "summary": "text",
                "content": {"content": ["x"]},
                "author": None,
                "updated": True,
            },
            {
                "id": "3",
                "origin": {"streamId": "feed/2"},
                "crawlTimeMsec": "1767225600123",
                "categories": [None, 4, "", "user/7/state/com.google/starred", "user/-/label/"],
            },
            {"origin": {"streamId": "feed/1"}},  # no id
            {"id": "", "origin": {"streamId": "feed/1"}},
            {"id": "5"},  # no feed
            {"id": "6", "origin": "feed/1"},
            "not an item",
            None,
        ]
    }
    srv.on(CONTENTS, answer(200, json.dumps(body)))
    client = srv.client(FRESHRSS)
    items = await client.items(["1", "2", "3"])
    assert client.skipped_items == 6
    one, two, three = items
    assert one == Item("1", "feed/1", "", "", "", "", 0, None, "", False, False)
    assert (two.title, two.published, two.url, two.read, two.updated) == (
        "",
        1767225600,
        "https://e.org/2",
        False,
        None,
    )
    assert (three.published, three.starred, three.labels) == (1767225600, True, ())


async def test_items_come_in_dialect_sized_batches() -> None:
    srv = FakeServer()
    srv.on(TOKEN, recorded("freshrss", "token"))
    srv.on(CONTENTS, answer(200, '{"items": []}'))
    small = Dialect("test", "Test", contents_batch=4)
    await srv.client(small).items([str(n) for n in range(10)])
    assert [r.values("i") for r in srv.requests(CONTENTS)] == [
        ["0", "1", "2", "3"],
        ["4", "5", "6", "7"],
        ["8", "9"],
    ]
    assert await srv.client(small).items([]) == []


@pytest.mark.parametrize("dialect", [FRESHRSS, MINIFLUX], ids=["freshrss", "miniflux"])
async def test_a_thousand_read_marks_take_at_most_five_requests(dialect: Dialect) -> None:
    srv = FakeServer()
    srv.on(TOKEN, recorded("freshrss", "token"))
    srv.on(EDIT, recorded("freshrss", "edit_tag_ok"))
    ids = [str(1796697518372411 - n) for n in range(1000)]
    await srv.client(dialect).edit_tag(ids, add=[READ])
    edits = srv.requests(EDIT)
    assert 1 <= len(edits) <= 5
    sent = [i for e in edits for i in e.values("i")]
    assert len(sent) == 1000 and len(set(sent)) == 1000
    assert all(e.values("a") == [READ] and e.values("r") == [] for e in edits)


async def test_edit_tag_sends_one_add_and_one_remove_per_request() -> None:
    srv = FakeServer()
    srv.on(TOKEN, recorded("freshrss", "token"))
    srv.on(EDIT, recorded("freshrss", "edit_tag_ok"))
    await srv.client(FRESHRSS).edit_tag(
        ["1", "2"], add=[STARRED, label_stream("Later")], remove=[READ]
    )
    assert [(e.values("i"), e.values("a"), e.values("r")) for e in srv.requests(EDIT)] == [
        (["1", "2"], [STARRED], [READ]),
        (["1", "2"], ["user/-/label/Later"], []),
    ]


async def test_repeated_fields_are_sent_as_repeated_form_fields() -> None:
    bodies: list[bytes] = []

    def keep(request: httpx.Request) -> httpx.Response:
        bodies.append(request.content)
        return answer(200, "OK")

    srv = FakeServer()
    srv.on(TOKEN, answer(200, "tok"))
    srv.on(EDIT, keep)
    await srv.client(FRESHRSS).edit_tag(["11", "12", "13"], add=[READ])
    assert bodies == [b"i=11&i=12&i=13&a=user%2F-%2Fstate%2Fcom.google%2Fread&T=tok"]


async def test_labels_on_a_server_without_them_are_refused() -> None:
    srv = FakeServer()
    with pytest.raises(SyncError, match=r"Miniflux at 127\.0\.0\.1:8080: this server has no item"):
        await srv.client(MINIFLUX).edit_tag(["1"], add=[label_stream("Later")])
    assert srv.seen == []


async def test_quickadd_returns_the_stream() -> None:
    srv = FakeServer()
    srv.on(TOKEN, recorded("freshrss", "token"))
    srv.on("reader/api/0/subscription/quickadd", recorded("freshrss", "quickadd"))
    client = srv.client(FRESHRSS)
    assert await client.quickadd("http://127.0.0.1:38329/feeds/4.xml") == "feed/5"
    (req,) = srv.requests("reader/api/0/subscription/quickadd")
    assert req.values("quickadd") == ["http://127.0.0.1:38329/feeds/4.xml"]


async def test_quickadd_finding_nothing_says_so() -> None:
    srv = FakeServer()
    srv.on(TOKEN, recorded("miniflux", "token"))
    srv.on("reader/api/0/subscription/quickadd", recorded("miniflux", "quickadd_none"))
    with pytest.raises(SyncError, match=r"no feed found at https://x\.org/"):
        await srv.client(MINIFLUX).quickadd("https://x.org/")


async def test_subscription_and_label_edits() -> None:
    srv = FakeServer()
    srv.on(TOKEN, answer(200, "tok"))
    for endpoint in ("subscription/edit", "rename-tag", "disable-tag", "mark-all-as-read"):
        srv.on(f"reader/api/0/{endpoint}", answer(200, "OK"))
    client = srv.client(FRESHRSS)
    await client.edit_subscription("feed/5", title="New", add_folder="B", remove_folder="A")
    await client.edit_subscription("feed/6", action="unsubscribe")
    await client.rename_label("A", "C")
    await client.delete_label("C")
    await client.mark_all_read("feed/1", 1796697518372411)
    forms = [[(k, v) for k, v in s.form if k != "T"] for s in srv.seen if s.method == "POST"]
    assert forms == [
        [
            ("ac", "edit"),
            ("s", "feed/5"),
            ("t", "New"),
            ("a", "user/-/label/B"),
            ("r", "user/-/label/A"),
        ],
        [("ac", "unsubscribe"), ("s", "feed/6")],
        [("s", "user/-/label/A"), ("dest", "user/-/label/C")],
        [("s", "user/-/label/C")],
        [("s", "feed/1"), ("ts", "1796697518372411")],
    ]
    with pytest.raises(ValueError, match="unknown subscription action"):
        await client.edit_subscription("feed/5", action="move")
