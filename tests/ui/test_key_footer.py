"""Pilot tests: the footer is rebuilt only when the keys it shows change (issue 15)."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.widgets._footer import FooterKey

from tui.ui.widgets.key_footer import KeyFooter, shown_keys

if TYPE_CHECKING:
    from ui.conftest import Helpers

SIZE = (120, 40)


async def test_same_keys_keep_the_footer_and_new_keys_rebuild_it(
    make_app: Any, ui: Helpers
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ui.settle(pilot)
        screen = app.main
        footer = screen.query_one(KeyFooter)
        keys = list(footer.query(FooterKey))
        assert keys
        # The screen says its bindings may have changed, but they have not.
        screen.bindings_updated_signal.publish(screen)
        await ui.settle(pilot)
        assert list(footer.query(FooterKey)) == keys
        # Opening an article focuses its pane, whose keys differ: rebuilt.
        before = shown_keys(screen)
        await pilot.press("enter")
        await ui.settle(pilot)
        await ui.wait_for(pilot, lambda: not screen.pane.loading_body)
        assert shown_keys(screen) != before
        now = list(footer.query(FooterKey))
        assert now and now[0] not in keys
        shown = {key.description for key in now}
        wanted = {b.description for _n, b, _e, _t in screen.active_bindings.values() if b.show}
        assert wanted <= shown | {""}


async def test_keys_removed_by_a_rebuild_are_let_go(make_app: Any, ui: Helpers) -> None:
    """Textual's footer kept every key it removed (a watcher of ``compact``
    held each one): opening and closing articles piled them up."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ui.read_down(pilot, 4)
        app.collector.restore()  # frozen objects are not in gc.get_objects()
        gc.collect()
        keys = [o for o in gc.get_objects() if isinstance(o, FooterKey)]
        assert keys and all(key.is_attached for key in keys)


async def test_a_rebuild_styles_each_new_key_once(
    make_app: Any, ui: Helpers, monkeypatch: Any
) -> None:
    """The keys are made compact before they mount: the footer's ``compact``
    watcher then finds nothing to change and does not restyle them again."""
    styled: dict[int, int] = {}
    apply = Stylesheet.apply

    def counting(self: Stylesheet, node: DOMNode, *args: Any, **kwargs: Any) -> None:
        if isinstance(node, FooterKey):
            styled[id(node)] = styled.get(id(node), 0) + 1
        apply(self, node, *args, **kwargs)

    monkeypatch.setattr(Stylesheet, "apply", counting)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ui.settle(pilot)
        screen = app.main
        footer = screen.query_one(KeyFooter)
        styled.clear()
        await pilot.press("enter")  # the article pane's keys: a rebuild
        await ui.settle(pilot)
        await ui.wait_for(pilot, lambda: not screen.pane.loading_body)
        keys = list(footer.query(FooterKey))
        assert keys and all(key.has_class("-compact") for key in keys)
        assert [styled.get(id(key)) for key in keys] == [1] * len(keys)
