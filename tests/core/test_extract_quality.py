"""Reader mode's extraction quality on held-out pages (issue 17: token F1 >= 0.93
averaged over the pages).  The pages and their ground truth are in
``tests/fixtures/pages`` (see its README); nothing here is tuned to them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.core.extract import Extractor

PAGES = sorted((Path(__file__).parent.parent / "fixtures" / "pages").glob("*.html"))
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_WORD = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """Lowercase words of ``text``; a Markdown link counts by its text, not its URL."""
    return _WORD.findall(_LINK_TARGET.sub("]", text).lower())


def token_f1(got: list[str], want: list[str]) -> float:
    """F1 of the two bags of words (the measure the issue's benchmark figures use)."""
    common = sum((Counter(got) & Counter(want)).values())
    if not common:
        return 0.0
    precision, recall = common / len(got), common / len(want)
    return 2 * precision * recall / (precision + recall)


@pytest.fixture(scope="module")
def extractor() -> Iterator[Extractor]:
    ex = Extractor()
    yield ex
    ex.close()


def test_token_f1_scores_words_not_markup() -> None:
    assert token_f1(tokens("A [link](https://x.example/y) *here*"), tokens("a link here")) == 1.0
    assert token_f1(tokens("a b"), tokens("c d")) == 0.0
    assert token_f1(tokens("a b c d"), tokens("a b")) == pytest.approx(2 / 3)


def test_there_are_ten_pages_or_more_each_with_its_ground_truth() -> None:
    assert len(PAGES) >= 10
    for page in PAGES:
        assert page.with_suffix(".txt").read_text(encoding="utf-8").strip()


def test_mean_token_f1_on_the_held_out_pages(extractor: Extractor) -> None:
    scores: dict[str, float] = {}
    for page in PAGES:
        truth = page.with_suffix(".txt").read_text(encoding="utf-8")
        got = extractor.extract(page.read_bytes(), f"https://news.example/{page.stem}")
        scores[page.stem] = token_f1(tokens(got.markdown), tokens(truth))
    mean = sum(scores.values()) / len(scores)
    assert mean >= 0.93, scores
    # No page may be lost outright behind a good average.
    assert min(scores.values()) >= 0.8, scores
