"""Two devices (two databases) syncing through one real FreshRSS.

Each test starts two Libraries, adds the same account to both and syncs
them; the server is shared by the whole session, so tests compare the two
devices with each other and with what the server says, never with a fresh
server's state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import freshrss_harness as harness
import pytest
from feedserver import FeedServer

from tui.core.library import Library
from tui.core.models import SyncResult

pytestmark = pytest.mark.freshrss


class Device:
    """One database with the FreshRSS account, as a second machine would have it."""

    def __init__(self, path: Path, env: dict[str, str]) -> None:
        self.path = path
        self.env = env
        self.lib = Library(path)

    def add_account(self) -> None:
        self.lib.add_account(
            self.env["FRESHRSS_API"],
            self.env["FRESHRSS_USER"],
            self.env["FRESHRSS_API_PASSWORD"],
            name="home",
        )

    def sync(self) -> SyncResult:
        (result,) = self.lib.sync()
        return result

    def restart(self) -> None:
        self.lib.close()
        self.lib = Library(self.path)

    def article(self, item: str) -> int:
        row = self.lib.store.conn.execute(
            "SELECT article_id FROM remote_items WHERE remote_id = ?", (item,)
        ).fetchone()
        assert row is not None, f"item {item} is not on {self.path.name}"
        return int(row[0])

    def state(self, item: str) -> tuple[bool, bool]:
        art = self.lib.article(self.article(item))
        return art.read, art.starred

    def items(self) -> list[str]:
        rows = self.lib.store.conn.execute("SELECT remote_id FROM remote_items ORDER BY 1")
        return [r[0] for r in rows]


@pytest.fixture
def devices(tmp_path: Path, freshrss: dict[str, str]) -> Iterator[tuple[Device, Device]]:
    a, b = Device(tmp_path / "a.db", freshrss), Device(tmp_path / "b.db", freshrss)
    for device in (a, b):
        device.add_account()
        result = device.sync()
        assert result.error is None, result.error
    yield a, b
    a.lib.close()
    b.lib.close()


def test_both_devices_get_the_servers_feeds_folders_and_items(
    devices: tuple[Device, Device],
) -> None:
    a, b = devices
    assert a.items() == b.items() and len(a.items()) >= 48
    folders = sorted({f.folder for f in a.lib.feeds() if f.account == "home"}, key=str)
    assert {"Folder0", "Folder1"} <= set(folders)
    (account,) = a.lib.accounts()
    assert account.pending == 0 and account.last_sync is not None


def test_read_and_star_on_one_device_show_on_the_other(devices: tuple[Device, Device]) -> None:
    a, b = devices
    first, second = a.items()[:2]
    a.lib.set_read([a.article(first)], read=not a.state(first)[0])
    a.lib.set_starred([a.article(second)], starred=not a.state(second)[1])
    want = (a.state(first), a.state(second))
    assert a.lib.accounts()[0].pending == 2
    result = a.sync()
    assert result.error is None and result.sent == 2 and result.pending == 0
    b.sync()
    assert (b.state(first), b.state(second)) == want


def test_a_star_made_offline_survives_a_restart_and_reaches_the_other_device(
    devices: tuple[Device, Device],
) -> None:
    a, b = devices
    item = b.items()[3]
    starred = not b.state(item)[1]
    # The server is down for B (nothing listens at its address any more).
    b.lib.store.conn.execute("UPDATE accounts SET url = 'http://127.0.0.1:9/api/greader.php'")
    b.lib.set_starred([b.article(item)], starred=starred)
    offline = b.sync()
    assert offline.error is not None and offline.pending == 1
    assert b.state(item)[1] == starred  # the local change stands meanwhile
    b.restart()
    b.lib.store.conn.execute("UPDATE accounts SET url = ?", (b.env["FRESHRSS_API"],))
    back = b.sync()
    assert back.error is None and back.pending == 0 and back.sent == 1
    a.sync()
    assert a.state(item)[1] == starred


def test_a_subscription_made_on_one_device_appears_on_the_other(
    devices: tuple[Device, Device], freshrss_feeds: FeedServer
) -> None:
    a, b = devices
    path = "/feeds/devices-subscribe.xml"
    freshrss_feeds.page(path, harness.feed_xml(7, 12), content_type="application/rss+xml")
    url = freshrss_feeds.url(path)
    a.lib.subscribe_on_account("home", url, folder="Added")
    assert a.lib.accounts()[0].pending == 1
    assert a.sync().error is None
    b.sync()
    for device in (a, b):
        feed = next(f for f in device.lib.feeds() if f.url == url)
        assert (feed.account, feed.folder, feed.total) == ("home", "Added", 12)
    # Unsubscribing on B removes it from A too (the server is left as it was).
    b.lib.remove_feed(url)
    assert b.sync().error is None
    a.sync()
    assert url not in {f.url for f in a.lib.feeds()}


def test_a_label_set_on_the_server_becomes_a_tag_on_both(
    devices: tuple[Device, Device],
) -> None:
    from tui.core.library.fetching import FetchSettings, _greader
    from tui.core.sync.ids import label_stream

    a, b = devices
    item = a.items()[5]
    env = a.env

    async def label() -> None:
        client = _greader(FetchSettings(), env["FRESHRSS_API"], None, None)
        await client.login(env["FRESHRSS_USER"], env["FRESHRSS_API_PASSWORD"])
        await client.edit_tag([item], add=(label_stream("Saved for later"),))
        await client.api.aclose()

    asyncio.run(label())
    for device in (a, b):
        assert device.sync().error is None
        assert "Saved for later" in device.lib.article(device.article(item)).tags
    # A tag removed on one device leaves the label, and the other device's tag.
    a.lib.set_tags([a.article(item)], remove=["Saved for later"])
    a.sync()
    b.sync()
    assert "Saved for later" not in b.lib.article(b.article(item)).tags
