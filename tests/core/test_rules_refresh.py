"""Rules through the real refresh pipeline (fetch, parse workers, write batch)
against the loopback feed server: each action on the new articles, in the
refresh's own write."""

from __future__ import annotations

import pytest
from builders import rss_feed, rss_item
from feedserver import FeedServer

from tui.core.library import Library
from tui.core.models import View
from tui.core.rules import rule_actions


def _feed(*items: tuple[str, str]) -> str:
    return rss_feed(
        *(
            rss_item(
                k,
                t,
                link=f"https://example.org/{k}",
                body=f"<p>{t} body</p>",
                date="Tue, 03 Mar 2026 10:00:00 GMT",
            )
            for k, t in items
        ),
        title="Rules",
    )


@pytest.fixture
def subscribed(lib: Library, feed_server: FeedServer) -> Library:
    feed_server.page("/rules.xml", _feed(("old", "an old story")))
    lib.add_feed(feed_server.url("/rules.xml"))
    lib.add_rule("spoiler", rule_actions(hide=True))
    lib.add_rule("release", rule_actions(mark_read=True))
    lib.add_rule("python", rule_actions(star=True, tags=["py"]))
    lib.add_rule("urgent", rule_actions(highlight="red"))
    return lib


def test_a_refresh_applies_every_action_to_new_articles(
    subscribed: Library, feed_server: FeedServer
) -> None:
    feed_server.page(
        "/rules.xml",
        _feed(
            ("old", "an old story"),
            ("s", "a spoiler ahead"),
            ("r", "release notes"),
            ("p", "python tips"),
            ("u", "urgent news"),
        ),
    )
    summary = subscribed.refresh()
    assert not summary.failed and summary.new == 4
    listed = {a.title: a for a in subscribed.articles(View())}
    assert sorted(listed) == ["an old story", "python tips", "release notes", "urgent news"]
    assert [h.article.title for h in subscribed.hidden_articles()] == ["a spoiler ahead"]
    assert listed["release notes"].read and not listed["an old story"].read
    assert listed["python tips"].starred and listed["python tips"].tags == ("py",)
    assert listed["urgent news"].highlight == "red"
    assert subscribed.smart_counts()["unread"] == 3
    # Hiding and highlighting rules keep their matches; the others changed the articles.
    assert [(r.query, r.matched) for r in subscribed.rules()] == [
        ("spoiler", 1),
        ("release", 0),
        ("python", 0),
        ("urgent", 1),
    ]
    assert [subscribed.count_rule_matches(r.id) for r in subscribed.rules()] == [1, 1, 1, 1]


def test_a_refresh_applies_rules_to_updated_articles(
    subscribed: Library, feed_server: FeedServer
) -> None:
    feed_server.page("/rules.xml", _feed(("old", "an old story, spoiler inside")))
    assert not subscribed.refresh().failed
    assert subscribed.articles(View()) == []
    assert [h.article.title for h in subscribed.hidden_articles()] == [
        "an old story, spoiler inside"
    ]
