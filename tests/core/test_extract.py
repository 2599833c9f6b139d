"""Reader mode's extraction (issue 17): trafilatura in a child process with a
deadline, its HTML sent through the sanitising converter.

Functions handed to the child here are this module's: the child imports it by
name, from the import path the parent passes on.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest

import tui.core.extract as extract
from tui.core.errors import ExtractError
from tui.core.extract import Extractor
from tui.core.extract.process import ExtractorProcess, WorkerDied, WorkerTimeout

URL = "https://news.example/2026/12/council-votes"
FILLER = " ".join(f"word{i}" for i in range(80))

PAGE = f"""<!DOCTYPE html><html><head><title>Site title</title>
<script>var tracking = "leaked script";</script></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all</div>
<article>
<h1>Council approves the transport plan</h1>
<p>The council voted on Tuesday to approve the new <a href="/plan">transport plan</a>,
ending a debate that had lasted for more than two years.</p>
<p>Opponents <a href="javascript:alert(1)">said</a> it would cost too much and
<a href="file:///etc/passwd">harm</a> small shops. \x1b]52;c;aGVsbG8=\x07 {FILLER}</p>
<ul><li>Consultation in spring</li><li>Works begin in autumn</li></ul>
</article>
<aside class="related"><h3>Related</h3><a href="/x">Another story</a></aside>
<footer>Copyright 2026 News Example</footer></body></html>"""


def hang(page: bytes, url: str) -> str:
    """In the child: never answer (a trafilatura hang)."""
    while True:
        time.sleep(60)


def crash(page: bytes, url: str) -> str:
    """In the child: die as a crash in a C extension would."""
    os.kill(os.getpid(), signal.SIGSEGV)
    return ""


def answer(value: int) -> int:
    return value * 2


@pytest.fixture
def extractor() -> Iterator[Extractor]:
    ex = Extractor()
    yield ex
    ex.close()


def test_extracts_the_article_as_sanitised_markdown(extractor: Extractor) -> None:
    got = extractor.extract(PAGE.encode(), URL)
    md = got.markdown
    assert md.startswith("# Council approves the transport plan")
    assert "[transport plan](https://news.example/plan)" in md  # made absolute
    assert "- Consultation in spring" in md
    # What the converter refuses, it refuses for pages too.
    assert "javascript:" not in md and "file:" not in md
    assert "\x1b" not in md and "\x07" not in md
    # The page around the article is not the article.
    for chrome in ("cookies", "Another story", "Copyright", "leaked script", "Sport"):
        assert chrome not in md
    assert got.word_count >= 80
    assert "Council" in got.words


def test_a_page_with_little_text_is_refused_with_a_reason(extractor: Extractor) -> None:
    paywall = (
        "<html><body><article><h1>Council approves the plan</h1>"
        "<p>Subscribe to read the rest of this article. Log in.</p></article></body></html>"
    )
    with pytest.raises(ExtractError, match=r"only [0-9]+ words found: a paywall, a login page"):
        extractor.extract(paywall.encode(), URL)


def test_a_page_with_no_article_says_so(extractor: Extractor) -> None:
    with pytest.raises(ExtractError, match="no article found"):
        extractor.extract(b"<html><body></body></html>", URL)
    with pytest.raises(ExtractError, match="no article found"):
        extractor.extract(b"\x00\xff\xfe binary \x89PNG", URL)


def test_a_hang_is_killed_at_the_deadline_and_the_next_page_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ex = Extractor(timeout=1.0)
    try:
        monkeypatch.setattr(extract, "article_html", hang)
        with pytest.raises(ExtractError, match="extraction took longer than 1 s"):
            ex.extract(PAGE.encode(), URL)
        monkeypatch.undo()
        assert ex.extract(PAGE.encode(), URL).markdown.startswith("# Council")
    finally:
        ex.close()


def test_a_crash_ends_only_the_child(monkeypatch: pytest.MonkeyPatch) -> None:
    ex = Extractor()
    try:
        monkeypatch.setattr(extract, "article_html", crash)
        with pytest.raises(ExtractError, match="the extractor crashed"):
            ex.extract(PAGE.encode(), URL)
        monkeypatch.undo()
        assert ex.extract(PAGE.encode(), URL).markdown.startswith("# Council")
    finally:
        ex.close()


def test_the_process_kills_a_hang_and_starts_again() -> None:
    proc = ExtractorProcess()
    try:
        assert proc.run(30, answer, 21) == 42
        with pytest.raises(WorkerTimeout):
            proc.run(0.5, hang, b"", "")
        assert proc.run(30, answer, 2) == 4
        with pytest.raises(WorkerDied):
            proc.run(30, crash, b"", "")
        assert proc.run(30, answer, 3) == 6
    finally:
        proc.close()


def test_the_exception_of_a_task_comes_back() -> None:
    proc = ExtractorProcess()
    try:
        with pytest.raises(TypeError):
            proc.run(30, answer, "not a number", "extra")
        assert proc.run(30, answer, 1) == 2  # the child lives on
    finally:
        proc.close()
