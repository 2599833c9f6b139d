"""Pilot tests for rules in the reader (issue 18): highlight, the Hidden view, the Rules screen.

Each checks what is drawn or said and, for changes, the database behind it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.command import CommandPalette
from textual.coordinate import Coordinate
from textual.widgets import Checkbox, DataTable, Input, OptionList

from tui.core import RulesReport, rule_actions
from tui.core.library import Library
from tui.core.models import View
from tui.ui.app import GazetteApp
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.rule_form import RuleFormScreen
from tui.ui.screens.rule_words import applied_line, dry_run_message
from tui.ui.screens.rules import RulesScreen

if TYPE_CHECKING:  # the reader tests' conftest, as mypy names it
    from ui.conftest import Helpers

WIDE = (160, 45)


def source_keys(app: GazetteApp) -> list[str]:
    return [s.key for s in app.main.feed_list.sources()]


async def open_rules(pilot: Any, ui: Helpers) -> RulesScreen:
    await pilot.press("f")
    await ui.wait_for(pilot, lambda: isinstance(pilot.app.screen, RulesScreen))
    screen = pilot.app.screen
    assert isinstance(screen, RulesScreen)
    await ui.wait_for(pilot, lambda: len(screen.matches) == len(screen.rules))
    await ui.settle(pilot)
    return screen


async def test_a_highlighted_row_draws_its_colour_also_under_the_cursor(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    library.add_rule("garmin", rule_actions(highlight="magenta"))
    library.apply_rules()
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        lst = app.main.article_list
        await ui.settle(pilot)
        index = next(
            i
            for i in range(lst.count)
            if (a := lst.article_at(i)) is not None and a.highlight == "magenta"
        )
        plain = next(i for i in range(lst.count) if (a := lst.article_at(i)) and not a.highlight)
        lst.cursor = index
        await ui.settle(pilot)
        for row in (index, plain):
            strip = lst.render_line(row - round(lst.scroll_y))
            cell = [s for s in strip if s.text.startswith(("▌", " ")) and s.style]
            bars = [s for s in strip if s.text == "▌"]
            if row == plain:
                assert bars == [] and cell
                continue
            assert len(bars) == 1
            style = bars[0].style
            assert style is not None and style.color is not None
            assert style.color.name == "magenta"
            # On the list's own background, not the cursor's, so every theme shows it.
            assert style.bgcolor == lst.base_style.bgcolor
            assert style.bgcolor != lst.get_component_rich_style("article-list--cursor").bgcolor


async def test_the_hidden_view_appears_lists_and_names_the_rule(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        assert "smart:hidden" not in source_keys(app)
    rule = library.add_rule("garmin", rule_actions(hide=True), name="No Garmin")
    library.apply_rules([rule.id])
    hidden = library.count_articles(View(hidden=True))
    assert hidden > 0
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m = app.main
        assert "smart:hidden" in source_keys(app)
        source = next(s for s in m.feed_list.sources() if s.key == "smart:hidden")
        assert (source.title, source.unread) == ("Hidden", hidden)
        m.feed_list.select_key("smart:hidden")
        await ui.settle(pilot)
        assert m.article_list.count == hidden
        assert m.list_header.text.startswith(f"Hidden · {hidden}")
        await pilot.press("enter")
        await ui.settle(pilot)
        header = m.pane.query_one("#article-header")
        await ui.wait_for(pilot, lambda: "hidden by: No Garmin" in str(header.render()))


async def test_an_article_opened_elsewhere_says_nothing_of_rules(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    library.add_rule("garmin", rule_actions(hide=True), name="No Garmin")
    library.apply_rules()
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("enter")
        await ui.settle(pilot)
        assert app.main.pane.hidden_by is None
        assert "hidden by" not in str(app.main.pane.query_one("#article-header").render())


async def test_the_rules_screen_adds_a_rule_and_refuses_a_bad_query(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_rules(pilot, ui)
        assert screen.rules == [] and "No rules yet" in screen.status_text
        await pilot.press("a")
        await ui.wait_for(pilot, lambda: isinstance(app.screen, RuleFormScreen))
        form = app.screen
        assert isinstance(form, RuleFormScreen)
        form.query_one("#rule-query", Input).value = "garmin is:bogus"
        form.query_one("#rule-hide", Checkbox).value = True
        form.action_submit()
        await ui.wait_for(pilot, lambda: bool(form.error_text))
        assert form.error_text.startswith("query 'garmin is:bogus': is:bogus is unknown")
        assert library.rules() == [] and app.screen is form
        form.query_one("#rule-query", Input).value = "garmin"
        form.query_one("#rule-name", Input).value = "No Garmin"
        form.action_submit()
        await ui.wait_for(pilot, lambda: app.screen is screen and len(screen.rules) == 1)
        [rule] = library.rules()
        assert (rule.query, rule.name, rule.actions.hide) == ("garmin", "No Garmin", True)
        assert screen.status_text.startswith("Added rule No Garmin")
        expected = library.count_rule_matches(rule.id)
        await ui.wait_for(pilot, lambda: screen.matches.get(rule.id) == expected)
        table = screen.query_one(DataTable)
        assert str(table.get_cell_at(Coordinate(0, 4))) == str(expected)
        assert str(table.get_cell_at(Coordinate(0, 1))) == "No Garmin: garmin"


async def test_the_rules_screen_refuses_a_rule_without_an_action(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await open_rules(pilot, ui)
        await pilot.press("a")
        await ui.wait_for(pilot, lambda: isinstance(app.screen, RuleFormScreen))
        form = app.screen
        assert isinstance(form, RuleFormScreen)
        form.query_one("#rule-query", Input).value = "garmin"
        await pilot.pause()  # the input's Changed clears an error: let it pass first
        form.action_submit()
        await pilot.pause()
        assert form.error_text.startswith("a rule needs an action")
        assert library.rules() == []


async def test_the_rules_screen_edits_toggles_and_removes(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    rule = library.add_rule("garmin", rule_actions(hide=True))
    library.apply_rules()
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m = app.main
        assert "smart:hidden" in source_keys(app)
        screen = await open_rules(pilot, ui)
        await pilot.press("space")
        await ui.wait_for(pilot, lambda: not screen.rules[0].enabled)
        assert library.rule(rule.id).enabled is False
        assert screen.status_text == "Rule garmin off."
        # What it hid shows again: the reader's lists and counts followed.
        await ui.wait_for(pilot, lambda: "smart:hidden" not in source_keys(app))
        assert m.status.notice == "Rule garmin off."
        await pilot.press("space")
        await ui.wait_for(pilot, lambda: screen.rules[0].enabled)
        await ui.wait_for(pilot, lambda: "smart:hidden" in source_keys(app))
        await pilot.press("enter")
        await ui.wait_for(pilot, lambda: isinstance(app.screen, RuleFormScreen))
        form = app.screen
        assert isinstance(form, RuleFormScreen)
        assert form.query_one("#rule-query", Input).value == "garmin"
        form.query_one("#rule-name", Input).value = "Watches"
        form.action_submit()
        await ui.wait_for(pilot, lambda: app.screen is screen and screen.rules[0].name == "Watches")
        assert library.rule(rule.id).name == "Watches"
        await pilot.press("d")
        await ui.wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await ui.settle(pilot)
        assert len(library.rules()) == 1
        await pilot.press("d")
        await ui.wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await ui.wait_for(pilot, lambda: screen.rules == [])
        assert library.rules() == []
        assert screen.status_text == "Removed rule Watches."
        await ui.wait_for(pilot, lambda: "smart:hidden" not in source_keys(app))


async def test_apply_asks_with_a_dry_run_and_u_undoes_it(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    rule = library.add_rule("garmin", rule_actions(hide=True, star=True))
    stars = library.count_articles(View(starred=True))
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m = app.main
        screen = await open_rules(pilot, ui)
        await pilot.press("r")
        await ui.wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        dry = library.apply_rules([rule.id], dry_run=True)
        assert dry.changed > 0
        assert confirm._message == dry_run_message(dry)
        assert library.count_articles(View(hidden=True)) == 0  # nothing written yet
        await pilot.press("y")
        await ui.wait_for(pilot, lambda: "Applied rule garmin" in screen.status_text)
        hidden = library.count_articles(View(hidden=True))
        assert hidden == len(dry.outcomes[0].matched) > 0
        said = f"{dry.changed} articles changed (u undoes it)"
        assert screen.status_text.endswith(said)
        assert m.status.notice == screen.status_text
        await ui.wait_for(pilot, lambda: "smart:hidden" in source_keys(app))
        # u in the Rules screen takes the apply back, and the reader follows.
        await pilot.press("u")
        await ui.wait_for(pilot, lambda: screen.status_text.startswith("Undone: applied rule"))
        assert library.count_articles(View(hidden=True)) == 0
        assert library.count_articles(View(starred=True)) == stars
        await ui.wait_for(pilot, lambda: "smart:hidden" not in source_keys(app))


async def test_u_in_the_reader_undoes_an_apply_made_in_the_rules_screen(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    library.add_rule("garmin", rule_actions(hide=True))
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        m = app.main
        screen = await open_rules(pilot, ui)
        await pilot.press("R")
        await ui.wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await ui.wait_for(pilot, lambda: "Applied rule garmin" in screen.status_text)
        await pilot.press("escape")
        await ui.wait_for(pilot, lambda: app.screen is m)
        await ui.wait_for(pilot, lambda: "smart:hidden" in source_keys(app))
        await pilot.press("u")
        await ui.wait_for(pilot, lambda: "smart:hidden" not in source_keys(app))
        assert m.status.notice.startswith("Undone: applied rule garmin")
        assert library.count_articles(View(hidden=True)) == 0


async def test_apply_with_nothing_matching_says_so_without_asking(
    make_app: Any, library: Library, ui: Helpers
) -> None:
    library.add_rule("zzzznotawordanywhere", rule_actions(hide=True))
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_rules(pilot, ui)
        await pilot.press("r")
        await ui.wait_for(pilot, lambda: screen.status_text.startswith("Nothing to apply"))
        assert app.screen is screen


async def test_the_palette_offers_rules(make_app: Any, ui: Helpers) -> None:
    app = make_app()
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("ctrl+p")
        await ui.wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        commands = app.screen.query_one("CommandList", OptionList)
        await pilot.press(*"Rules")

        def first() -> str:
            if commands.option_count == 0:
                return ""
            return str(commands.get_option_at_index(0).prompt).splitlines()[0]

        await ui.wait_for(pilot, lambda: first() == "Rules…")
        await pilot.press("enter")
        await ui.wait_for(pilot, lambda: isinstance(app.screen, RulesScreen))


def test_the_applied_line_names_the_undo_key() -> None:
    assert applied_line(RulesReport(()), "ctrl+z").endswith("(ctrl+z undoes it)")
    assert "undoes" not in applied_line(RulesReport(()), "")
