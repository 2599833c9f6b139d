"""The body snippet under a search hit's header: the words a reader sees, cut cleanly.

The snippet is made from the article's stored Markdown (what the converter wrote),
so each test starts from HTML where that is how the text reaches it.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tui.core.convert import html_to_markdown
from tui.core.query.highlight import SNIPPET_WIDTH, markdown_words, match_snippet


def snippet(html: str, *terms: str, width: int = SNIPPET_WIDTH) -> str:
    return match_snippet(html_to_markdown(html, "https://example.org/post/"), terms, width)


def test_images_and_blocks_do_not_glue_words_into_the_snippet() -> None:
    # blog.cloudflare.com (Ghost): a figure and a loose image before the first paragraph
    # read "Privacy-Preserving CheckingPrivacy-Preserving CheckingToday we…".
    html = (
        '<figure class="kg-card"><img src="/a.png" alt="Privacy-Preserving Checking"></figure>'
        '<img src="/b.png" alt="Privacy-Preserving Checking">'
        "<p>Today we announce a privacy-preserving checking protocol.</p>"
    )
    assert snippet(html, "privacy") == "Today we announce a privacy-preserving checking protocol."
    assert snippet("<header>Checking</header><p>Privacy matters</p>", "privacy") == (
        "Privacy matters"
    )


def test_marks_leave_no_space_before_punctuation() -> None:
    html = "<p>We value <em>privacy</em>. And <strong>speed</strong>, <code>snake_case</code>!</p>"
    assert snippet(html, "privacy") == "We value privacy. And speed, snake_case!"


def test_markdown_becomes_the_words_a_reader_sees() -> None:
    assert markdown_words("## A *privacy* heading") == "A privacy heading"
    assert markdown_words("- one\n- two *privacy*\n\n1. three") == "one two privacy three"
    assert markdown_words("> quoted\n> privacy") == "quoted privacy"
    assert markdown_words("| a | privacy |\n| --- | --- |\n| c | d |") == "a privacy c d"
    assert markdown_words("```py\nprivacy = 1\n```") == "privacy = 1"
    assert markdown_words("See [the *privacy* page](https://x.example/p_q).") == (
        "See the privacy page."
    )
    assert markdown_words("[![alt](https://x.example/i.png)](https://x.example/)Privacy") == (
        "Privacy"
    )
    # Escaped characters are the characters; text that only looks like Markdown stays.
    escaped = r"1\. not \*bold\* a\_b \[x\]\(y\) \# \| \\ end"
    assert markdown_words(escaped) == r"1. not *bold* a_b [x](y) # | \ end"


def test_lines_shown_apart_are_kept_apart_in_the_one_line() -> None:
    # A plain-text description (one credit a line) and an HTML line break.
    text = "Credits:\nTwo people hugging: Dida Mulder\nBoy with 3D Printed hand: E-NABLE"
    assert snippet(text, "hugging") == (
        "Credits: · Two people hugging: Dida Mulder · Boy with 3D Printed hand: E-NABLE"
    )
    assert snippet("<p>Roses are red,<br>privacy is blue</p>", "privacy") == (
        "Roses are red, · privacy is blue"
    )
    # A line break that is only the source's wrapping is a space.
    assert snippet("<p>Wrapped\nprivacy text</p>", "privacy") == "Wrapped privacy text"


def test_long_text_is_cut_at_words_from_the_sentence_start() -> None:
    words = " ".join(f"w{i}" for i in range(60))
    html = f"<p>{words}. The privacy part begins here and goes on. {words}.</p>"
    out = snippet(html, "privacy", width=80)
    assert out.startswith("… The privacy part begins here and goes on. w0 w1")
    assert out.endswith(" …")
    body = out.removeprefix("… ").removesuffix(" …")
    assert len(body) <= 80
    assert body in html  # whole words only: nothing cut mid-word
    # No sentence start near the match: start at a word about a third of the width before.
    far = snippet(f"<p>{words} privacy {words}</p>", "privacy", width=60)
    assert far.startswith("… w") and " privacy " in far and far.endswith(" …")
    assert far.removeprefix("… ").removesuffix(" …") in words + " privacy " + words


def test_short_text_is_whole_and_no_match_is_empty() -> None:
    assert snippet("<p>All about privacy.</p>", "privacy") == "All about privacy."
    assert snippet("<p>All about privacy.</p>", "rust") == ""
    assert match_snippet("", ["privacy"]) == ""
    assert match_snippet("privacy", []) == ""
    # Alt text is not searched (nor indexed), so it is never the snippet.
    assert snippet('<p><img src="/p.png" alt="privacy"> and words</p>', "privacy") == ""


def test_first_matching_block_is_used_and_phrases_and_prefixes_match() -> None:
    html = "<p>Nothing here.</p><p>Second: private data.</p><p>Third: private data.</p>"
    assert snippet(html, "priv*") == "Second: private data."
    assert snippet(html, "private data") == "Second: private data."


@pytest.mark.hostile
def test_snippets_of_hostile_markdown_take_linear_time() -> None:
    # Unclosed brackets and parentheses: a link pattern that rescans to the end of the
    # text from each of them takes minutes on these.
    code = (
        "from tui.core.query.highlight import match_snippet\n"
        "motifs = ['[', '![', '[a](', '![a](', '`', '\\\\[', '](', '*', '- ']\n"
        "for motif in motifs:\n"
        "    md = 'x ' + motif * (200_000 // len(motif)) + ' privacy'\n"
        "    assert match_snippet(md, ['privacy']).endswith('privacy'), motif\n"
        "print('ok')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=20, check=True
    )
    assert proc.stdout == "ok\n"
