"""Links in the article pane (issue 13): numbered links and the Links list, L / Y to
open or copy link N, long URLs in the header, images set apart, and opening links
with no browser, a graphical browser or a terminal browser (suspending the app).
"""

from __future__ import annotations

import re
import signal
import stat
import time
import webbrowser
from pathlib import Path
from typing import Any

import pytest
from builders import copied_texts, notifications, opened_urls
from textual.drivers.headless_driver import HeadlessDriver
from textual.geometry import Region
from textual.widget import Widget
from typing_extensions import override

from tui.config import Config
from tui.core.convert import html_to_markdown
from tui.core.library import Library
from tui.ui import browser
from tui.ui.app import GazetteApp
from tui.ui.screens.prompt import PromptScreen
from tui.ui.widgets.article_links import ellipsize_middle, fold_url, numbered_parser
from tui.ui.widgets.article_text import ArticleText

NOW = 1_710_979_200
ARTICLE_URL = (
    "https://example.com/2024/03/a-very-long-article-slug-that-goes-on-and-on-about-"
    "privacy-preserving-credential-checking/"
)
BODY = """
<p><img src="https://img.example/one.png" alt="First"><img src="https://img.example/two.png"
 alt="Second"></p>
<p>Read the <a href="https://demo.example/">public demo</a>, the
<a href="https://code.example/repo">code</a>, write to <a href="mailto:team@example.com">the
team</a>; again the <a href="https://demo.example/">demo</a>. Not these:
<a href="javascript:alert(1)">script</a>, <a href="file:///etc/passwd">file</a>,
<a href="#fn1">note</a>, [/] [@click=app.quit]q[/]; bare https://bare.example/page too.</p>
<p>A picture<img src="https://img.example/three.png" alt="Third">glued.</p>
"""
#: The numbered links, in reading order, each URL once (the demo is linked twice).
LINKS = [
    "https://img.example/one.png",
    "https://img.example/two.png",
    "https://demo.example/",
    "https://code.example/repo",
    "mailto:team@example.com",
    "https://bare.example/page",
    "https://img.example/three.png",
]
FEED = f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Links feed</title><link>https://example.com/</link>
<description>d</description>
<item><title>Links everywhere</title><link>{ARTICLE_URL}</link><guid>links-1</guid>
<pubDate>Wed, 20 Mar 2024 10:00:00 GMT</pubDate><description><![CDATA[{BODY}]]></description></item>
<item><title>No links</title><link>https://example.com/plain</link><guid>links-2</guid>
<pubDate>Tue, 19 Mar 2024 10:00:00 GMT</pubDate><description>Just words.</description></item>
</channel></rss>"""


@pytest.fixture
def links_library(tmp_path: Path) -> Any:
    feed = tmp_path / "links.xml"
    feed.write_text(FEED, encoding="utf-8")
    lib = Library(tmp_path / "links.db", clock=lambda: NOW)
    lib.add_feed(str(feed))
    while lib.convert_pending(100):
        pass
    yield lib
    lib.close()


def make(lib: Library, **config: Any) -> GazetteApp:
    return GazetteApp(lib, clock=lambda: NOW, config=Config(**config))


def lines(widget: Widget) -> list[str]:
    """The widget's lines as drawn on screen (trailing blanks removed)."""
    region = Region(0, 0, widget.size.width, widget.size.height)
    return [strip.text.rstrip() for strip in widget.render_lines(region)]


def article_lines(app: GazetteApp) -> list[str]:
    pane = app.main.pane
    widgets = [pane.query_one("#article-header"), *pane.query(ArticleText)]
    return [line for w in widgets for line in lines(w)]


async def open_first(app: GazetteApp, pilot: Any) -> None:
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()
    assert app.main.pane.article is not None


async def wait_for(pilot: Any, done: Any, timeout: float = 10.0) -> None:
    """Pause until ``done()`` (a program started in the background needs real time)."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.02)


# -- numbered links, the Links list, images --------------------------------------------------


async def test_links_are_numbered_in_the_text_and_listed_at_the_end(links_library: Any) -> None:
    app = make(links_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(app, pilot)
        pane = app.main.pane
        assert [link.url for link in pane.links] == LINKS
        text = " ".join(article_lines(app))
        assert (
            "Read the public demo[3], the code[4], write to the team[5]; again the demo[3]." in text
        )
        # Links that may not open get no number; feed text is never markup; bare URLs count.
        assert (
            "script, file, note, [/] [@click=app.quit]q[/]; bare https://bare.example/page[6] too"
            in text
        )
        listing = lines(pane.query_one("#article-links"))
        assert listing[0] == "Links"
        assert listing[1:] == [
            "[1] https://img.example/one.png (image)",
            "[2] https://img.example/two.png (image)",
            "[3] https://demo.example/",
            "[4] https://code.example/repo",
            "[5] mailto:team@example.com",
            "[6] https://bare.example/page",
            "[7] https://img.example/three.png (image)",
        ]


async def test_adjacent_images_are_on_their_own_lines_and_apart_from_words(
    links_library: Any,
) -> None:
    app = make(links_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(app, pilot)
        shown = article_lines(app)
        assert "🖼  First[1]" in shown and "🖼  Second[2]" in shown
        assert any("A picture 🖼  Third[7] glued." in line for line in shown)


def shown(md: str, numbers: dict[str, int] | None = None) -> list[str]:
    """Each paragraph as the pane's parser lays it out: "🖼" and the alt text for an
    image, a newline for a line break, link marks gone, link numbers kept."""
    parser = numbered_parser(numbers or {})
    out: list[str] = []
    for token in parser.parse(md):
        if token.type == "inline":
            parts = {"image": "🖼", "softbreak": " ", "hardbreak": "\n"}
            out.append(
                "".join(
                    parts.get(t.type, "") + (t.content if t.type in ("text", "image") else "")
                    for t in token.children or ()
                )
            )
    return out


def test_the_pane_sets_apart_images_the_converter_wrote_glued() -> None:
    # Linked thumbnails glued together, then images inside <picture> and <span>.
    html = (
        '<p><a href="https://x.example/1"><img src="https://b.example/a.png" alt="A"></a>'
        '<a href="https://x.example/2"><img src="https://b.example/b.png" alt="B"></a></p>'
        '<p><picture><source srcset="x"><img src="https://b.example/c.png" alt="C"></picture>'
        '<span><img src="https://b.example/d.png" alt="D"></span></p>'
        '<p>I<img src="https://b.example/h.png" alt="love">it, see'
        '<a href="https://x.example/3"><img src="https://b.example/e.png" alt="E"></a></p>'
    )
    md = html_to_markdown(html)
    assert shown(md) == ["🖼A 🖼B", "🖼C\n🖼D", "I 🖼love it, see 🖼E"]
    numbers = {url: n for n, url in enumerate(re.findall(r"\]\(([^)]+)\)", md), 1)}
    assert shown(md, numbers)[0] == "🖼A[1][2] 🖼B[3][4]"


@pytest.mark.parametrize(
    ("md", "expected"),
    [
        # What converters before this rule moved to the pane stored: spaced already.
        (
            "[![A](https://a.example/a)](https://x.example/1) "
            "[![B](https://a.example/b)](https://x.example/2)",
            "🖼A 🖼B",
        ),
        ("![C](https://a.example/c) ![D](https://a.example/d)", "🖼C\n🖼D"),
        # And what older ones stored before that: glued.
        ("![C](https://a.example/c)![D](https://a.example/d)", "🖼C\n🖼D"),
        # Words and links of words touching an image.
        ("I![love](https://a.example/h)it", "I 🖼love it"),
        ("![A](https://a.example/a)[see](https://x.example/1)", "🖼A see"),
    ],
)
def test_stored_markdown_of_any_version_reads_the_same(md: str, expected: str) -> None:
    assert shown(md) == [expected]


async def test_an_article_without_links_has_no_list(links_library: Any) -> None:
    app = make(links_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j")
        await open_first(app, pilot)
        pane = app.main.pane
        assert pane.article is not None and pane.article.title == "No links"
        assert pane.links == () and not pane.query_one("#article-links").display


# -- the header's link line ------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_a_long_article_link_stays_on_one_line_cut_in_the_middle(
    links_library: Any, size: tuple[int, int]
) -> None:
    app = make(links_library)
    async with app.run_test(size=size) as pilot:
        await open_first(app, pilot)
        header = app.main.pane.query_one("#article-header")
        shown = lines(header)
        assert shown[:2] == ["Links everywhere", "Links feed · Wed 20 Mar 2024 10:00"]
        assert len(shown) == 3  # title, feed line, one line of link: nothing wrapped
        link = shown[2]
        assert link.startswith("https://example.com/") and "…" in link
        assert link.endswith("credential-checking/")
        assert len(link) <= header.content_size.width


async def test_the_link_line_fits_again_after_a_resize(links_library: Any) -> None:
    app = make(links_library)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_first(app, pilot)
        header = app.main.pane.query_one("#article-header")
        wide = lines(header)[2]
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        alone = lines(header)  # the article now has the whole width: more of the link shows
        assert len(alone) == 3 and len(alone[2]) > len(wide)
        assert len(alone[2]) == header.content_size.width


def test_ellipsize_keeps_the_host_and_the_end_on_one_line() -> None:
    url = "https://blog.cloudflare.com/privacy-preserving-compromised-credential-checking/"
    assert ellipsize_middle(url, 200) == url and ellipsize_middle(url, 0) == url
    for width in (5, 12, 30, 45, 60, 78):
        cut = ellipsize_middle(url, width)
        assert len(cut) == width and cut.count("…") == 1
        assert url.startswith(cut.split("…")[0]) and url.endswith(cut.split("…")[1])
    assert ellipsize_middle(url, 45).startswith("https://blog.cloudflare.com/")


def test_fold_breaks_after_slashes_and_never_leaves_one_alone() -> None:
    url = "https://blog.cloudflare.com/privacy-preserving-compromised-credential-checking/"
    for width in range(4, len(url) + 1):
        pieces = fold_url(url, width)
        assert "".join(pieces) == url
        assert all(0 < len(p) <= width for p in pieces)
        assert all(p not in "/?&=#" for p in pieces), (width, pieces)
    assert fold_url(url, 40) == [
        "https://blog.cloudflare.com/",
        "privacy-preserving-compromised-",
        "credential-checking/",
    ]


# -- L and Y: open or copy link N ------------------------------------------------------------


async def test_L_asks_for_a_number_and_opens_that_link(links_library: Any) -> None:
    app = make(links_library)
    async with app.run_test(size=(120, 40)) as pilot:
        opened = opened_urls(app)
        await open_first(app, pilot)
        await pilot.press("L")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        await pilot.press("9", "enter")  # out of range: the dialog says so and stays
        await pilot.pause()
        assert "1 to 7" in prompt.error_text
        assert app.screen is prompt
        await pilot.press("backspace", "4", "enter")
        await pilot.pause()
        assert opened == ["https://code.example/repo"]
        assert not isinstance(app.screen, PromptScreen)


async def test_Y_copies_link_n(links_library: Any) -> None:
    app = make(links_library)
    seen = notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        copied = copied_texts(app)
        await open_first(app, pilot)
        await pilot.press("Y", "5", "enter")
        await pilot.pause()
        assert copied == ["mailto:team@example.com"] and seen[-1] == "Link 5 copied."


async def test_L_without_an_open_article_or_links_says_so(links_library: Any) -> None:
    app = make(links_library)
    seen = notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("L")
        await pilot.pause()
        assert seen[-1] == "Open an article to use its links."
        await pilot.press("j")
        await open_first(app, pilot)
        await pilot.press("Y")
        await pilot.pause()
        assert seen[-1] == "This article has no links."
        assert not isinstance(app.screen, PromptScreen)


def test_the_new_keys_are_in_the_help(links_library: Any) -> None:
    rows = dict(make(links_library).key_help())
    assert rows["L"] == "Open link N (asks N)" and rows["Y"] == "Copy link N (asks N)"


# -- o with no browser -------------------------------------------------------------------------


def _no_browser(*_args: Any, **_kwargs: Any) -> Any:
    raise webbrowser.Error("could not locate runnable browser")


async def test_o_with_no_browser_says_why_and_offers_the_copy(
    links_library: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webbrowser, "get", _no_browser)
    monkeypatch.setattr(webbrowser, "_tryorder", [])
    app = make(links_library)
    seen = notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert seen == ["No browser found: set browser in config.toml; press y to copy it."]


async def test_a_numbered_link_that_cannot_open_offers_Y_and_its_number(
    links_library: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webbrowser, "get", _no_browser)
    app = make(links_library)
    seen = notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(app, pilot)
        await pilot.press("L", "3", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert seen[-1].endswith("; press Y then 3 to copy it.")


def test_a_console_browser_chosen_by_webbrowser_runs_in_the_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(webbrowser, "get", lambda: webbrowser.GenericBrowser("w3m"))
    assert browser.system("https://a.example/") == browser.Launch(
        ["w3m", "https://a.example/"], terminal=True
    )
    gui = webbrowser.BackgroundBrowser("firefox")
    monkeypatch.setattr(webbrowser, "get", lambda: gui)
    assert browser.system("https://a.example/") is gui
    monkeypatch.setattr(webbrowser, "get", _no_browser)
    assert browser.system("https://a.example/") is None


def test_terminal_browsers_are_told_apart_by_name_and_mode() -> None:
    url = "https://a.example/?q=1&x=$(id)"
    assert browser.configured("w3m %u", "auto", url) == browser.Launch(["w3m", url], True)
    assert browser.configured("/opt/bin/lynx -accept_all_cookies", "auto", url).terminal
    assert not browser.configured("firefox --new-tab %s", "auto", url).terminal
    assert browser.configured("firefox --new-tab %s", "auto", url).argv == [
        "firefox",
        "--new-tab",
        url,
    ]
    assert browser.configured("my-wrapper %u", "terminal", url).terminal
    assert not browser.configured("w3m %u", "detached", url).terminal
    with pytest.raises(ValueError, match=r"quotes|split"):
        browser.configured("w3m 'oops %u", "auto", url)


# -- a terminal browser: suspend, run, come back ---------------------------------------------


def fake_browser(folder: Path, name: str = "w3m", status: int = 0) -> Path:
    """A shell script standing in for a browser: it writes its arguments to opened.txt."""
    script = folder / name
    out = folder / "opened.txt"
    script.write_text(f'#!/bin/sh\nprintf "%s" "$*" > "{out}"\nexit {status}\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.fixture
def suspendable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[tuple[str, bool]]:
    """Let the headless driver suspend, recording when (``App.suspend`` itself runs for real).

    Each entry is (what, whether the fake browser had written opened.txt by then).
    """
    out = tmp_path / "opened.txt"
    events: list[tuple[str, bool]] = []
    monkeypatch.setattr(HeadlessDriver, "can_suspend", property(lambda _self: True))
    monkeypatch.setattr(
        HeadlessDriver,
        "suspend_application_mode",
        lambda _self: events.append(("suspend", out.exists())),
    )
    monkeypatch.setattr(
        HeadlessDriver,
        "resume_application_mode",
        lambda _self: events.append(("resume", out.exists())),
    )
    return events


async def test_a_terminal_browser_runs_while_the_app_is_suspended(
    links_library: Any, tmp_path: Path, suspendable: list[tuple[str, bool]]
) -> None:
    script = fake_browser(tmp_path)
    out = tmp_path / "opened.txt"
    app = make(links_library, browser=f"{script} %u")
    seen = notifications(app)
    before = signal.getsignal(signal.SIGINT)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first(app, pilot)
        await pilot.press("o")
        await pilot.pause()
        assert out.read_text() == ARTICLE_URL
        # The browser ran between suspending and resuming, and the app came back.
        assert suspendable == [("suspend", False), ("resume", True)]
        assert seen == [] and app.is_running
        await pilot.press("L", "4", "enter")
        await pilot.pause()
        assert out.read_text() == "https://code.example/repo"
        assert len(suspendable) == 4
    assert signal.getsignal(signal.SIGINT) == before


async def test_a_terminal_browser_failing_is_one_line(
    links_library: Any, tmp_path: Path, suspendable: list[tuple[str, bool]]
) -> None:
    script = fake_browser(tmp_path, name="elinks", status=3)
    out = tmp_path / "opened.txt"
    app = make(links_library, browser=f"'{script}'")
    seen = notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        await pilot.pause()
    assert out.read_text() == ARTICLE_URL  # the link is added when there is no %u
    assert seen == ["The browser elinks exited with status 3"]


async def test_without_suspend_support_the_browser_is_not_run_and_that_is_said(
    links_library: Any, tmp_path: Path
) -> None:
    script = fake_browser(tmp_path, name="fakebrowser")
    out = tmp_path / "opened.txt"
    app = make(links_library, browser=f"{script} %u", browser_mode="terminal")
    seen = notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:  # the headless driver cannot suspend
        await pilot.press("o")
        await pilot.pause()
        assert app.is_running
    assert not out.exists()
    assert seen == [
        "Cannot run fakebrowser here: this terminal cannot be handed over; press y to copy it."
    ]


async def test_a_missing_terminal_browser_is_reported_without_suspending(
    links_library: Any, tmp_path: Path, suspendable: list[tuple[str, bool]]
) -> None:
    app = make(links_library, browser=f"{tmp_path / 'nowhere' / 'w3m'} %u")
    seen = notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        await pilot.pause()
    assert suspendable == []
    assert seen == [
        f"Cannot run the browser {tmp_path / 'nowhere' / 'w3m'}: not found; press y to copy it."
    ]


async def test_a_graphical_browser_is_started_detached(
    links_library: Any, tmp_path: Path, suspendable: list[tuple[str, bool]]
) -> None:
    script = fake_browser(tmp_path, name="firefox")
    out = tmp_path / "opened.txt"
    app = make(links_library, browser=f"{script} --new-tab %u")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        await wait_for(pilot, lambda: out.exists() and out.read_text() != "")
    assert out.read_text() == f"--new-tab {ARTICLE_URL}"
    assert suspendable == []  # never suspended for a graphical browser


def test_ctrl_c_in_a_terminal_browser_does_not_stop_the_reader(tmp_path: Path) -> None:
    """The browser and the reader share the terminal's process group: ctrl+c reaches both."""
    script = tmp_path / "lynx"
    script.write_text("#!/bin/sh\nkill -INT $PPID\nkill -INT $$\n", encoding="utf-8")
    script.chmod(0o700)
    before = signal.getsignal(signal.SIGINT)
    assert (
        browser.run_in_terminal([str(script), "https://a.example/"]) is None
    )  # no KeyboardInterrupt
    assert signal.getsignal(signal.SIGINT) == before
    script.write_text("#!/bin/sh\nkill -TERM $$\n", encoding="utf-8")
    assert browser.run_in_terminal([str(script)]) == "The browser lynx was stopped by SIGTERM"


class StubBrowser(webbrowser.BackgroundBrowser):
    """The system's graphical browser, as webbrowser would return it (nothing is started)."""

    def __init__(self, works: bool) -> None:
        super().__init__("firefox")
        self.works = works
        self.opened: list[str] = []

    @override
    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        self.opened.append(url)
        return self.works


@pytest.mark.parametrize("works", [True, False])
async def test_the_system_browser_opens_off_the_ui_thread_and_a_failure_is_said(
    links_library: Any, monkeypatch: pytest.MonkeyPatch, works: bool
) -> None:
    stub = StubBrowser(works)
    monkeypatch.setattr(webbrowser, "get", lambda: stub)
    app = make(links_library)
    seen = notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert stub.opened == [ARTICLE_URL]
    assert seen == ([] if works else ["The system's browser did not open it; press y to copy it."])
