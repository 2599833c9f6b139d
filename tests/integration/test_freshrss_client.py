"""GReaderClient against a real FreshRSS (run with ``-m freshrss``; see conftest.py).

One test walks the protocol in order on the session's server: what it
changes (read and starred marks, a label, a new subscription) later tests
must not assume absent.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from feedserver import FeedServer
from freshrss_harness import FEEDS, ITEMS, SPARE_FEED

from tui.core.fetch.api import ApiClient
from tui.core.sync.dialects import FRESHRSS, guess_dialect
from tui.core.sync.errors import AuthFailed
from tui.core.sync.greader import GReaderClient
from tui.core.sync.ids import READ, READING_LIST, STARRED, label_stream

pytestmark = pytest.mark.freshrss


async def test_the_client_against_freshrss(
    freshrss: dict[str, str], freshrss_feeds: FeedServer
) -> None:
    api_url = freshrss["FRESHRSS_API"]
    assert guess_dialect(api_url) is FRESHRSS
    async with ApiClient(api_url, timeout=60) as api:
        client = GReaderClient(api, FRESHRSS)
        auth = await client.login(freshrss["FRESHRSS_USER"], freshrss["FRESHRSS_API_PASSWORD"])
        assert auth.startswith(freshrss["FRESHRSS_USER"] + "/")

        subs = await client.subscriptions()
        assert len(subs) == FEEDS
        assert sorted({f for s in subs for f in s.folders}) == ["Folder0", "Folder1"]

        # Pages of 5: the continuation is followed to the end.
        everything = await client.item_ids(READING_LIST)
        assert len(everything) == FEEDS * ITEMS
        small = GReaderClient(api, replace(FRESHRSS, ids_per_page=5), auth)
        assert await small.item_ids(READING_LIST) == everything
        assert await small.item_ids(READING_LIST, limit=7) == everything[:7]

        folders = {f for s in subs for f in s.folders}
        items = await client.items(everything[:3], folders=folders)
        assert [i.id for i in items] == everything[:3]
        assert all(i.feed.startswith("feed/") and i.title and i.url for i in items)
        assert not any(i.read or i.starred or i.labels for i in items)

        first, second = everything[0], everything[1]
        await client.edit_tag([first, second], add=[READ])
        await client.edit_tag([second], add=[STARRED, label_stream("Later")])
        unread = await client.item_ids(READING_LIST, exclude=READ)
        assert first not in unread and second not in unread
        assert len(unread) == FEEDS * ITEMS - 2
        assert await client.item_ids(STARRED) == [second]
        a, b = await client.items([first, second], folders=folders)
        assert (a.read, a.starred, a.labels) == (True, False, ())
        assert (b.read, b.starred, b.labels) == (True, True, ("Later",))
        labels = {label.name: label.is_folder for label in await client.labels()}
        assert labels == {"Folder0": True, "Folder1": True, "Later": False}

        await client.edit_tag([first], remove=[READ])
        assert first in await client.item_ids(READING_LIST, exclude=READ)

        stream = await client.quickadd(freshrss_feeds.url(f"/feeds/{SPARE_FEED}.xml"))
        assert stream.startswith("feed/")
        assert stream in {s.stream_id for s in await client.subscriptions()}
        assert len(await client.item_ids(stream)) == ITEMS

        wrong = GReaderClient(api, FRESHRSS)
        with pytest.raises(AuthFailed, match="wrong user name or password"):
            await wrong.login(freshrss["FRESHRSS_USER"], "not-the-password")
