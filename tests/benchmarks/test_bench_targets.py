"""The benchmark's judging and marker rules (benchmarks/targets.py, benchmarks/reading.py).

The benchmark prints PASS or FAIL for issue 15's targets: these tests hold
the arithmetic to the issue's wording (a bound relative to a reference
measured in the same run, n/a when either side is missing, never PASS).
"""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from farm import Generator  # noqa: E402
from measure import p95, percentiles  # noqa: E402
from reading import body_markers, first_words  # noqa: E402
from targets import Target, issue15, issue18  # noqa: E402


def test_relative_target_passes_within_its_factor_of_the_reference() -> None:
    t = Target("open", "ms", 59.0, 2.0, 30.0, "minimal app key p95")
    assert t.bound == 60.0
    assert t.passed is True
    assert t.row()[3] == "1.967x"


def test_relative_target_fails_above_its_bound() -> None:
    t = Target("open", "ms", 61.0, 2.0, 30.0, "minimal app key p95")
    assert t.passed is False
    assert t.row()[-1] == "FAIL"


def test_missing_reference_is_not_judged() -> None:
    t = Target("open", "ms", 10.0, 2.0, None, "minimal app key p95")
    assert t.passed is None
    assert t.row()[-1] == "n/a"


def test_absolute_target_has_no_reference() -> None:
    t = Target("search", "ms", 21.0, 20.0)
    assert t.passed is False
    assert t.ratio is None
    assert t.row()[2] == "-"


def test_issue15_reads_missing_values_as_not_measured() -> None:
    targets = issue15({"refresh.cold_s": 10.0, "newsboat.cold_s": 30.0})
    judged = {t.name: t.passed for t in targets if t.passed is not None}
    assert judged == {"cold refresh, median of runs": True}


def test_p95_never_exceeds_the_largest_sample() -> None:
    samples = [1.0, 2.0, 3.0, 4.0, 100.0]
    assert p95(samples) <= 100.0
    assert p95([7.0]) == 7.0
    assert percentiles(samples) == {"p50": 3.0, "p95": p95(samples), "max": 100.0}


def test_first_words_come_from_the_first_paragraph() -> None:
    html = '<p>Alpha <a href="x">beta</a> gamma delta.</p>\n<ul><li>No</li></ul>'
    assert first_words(html) == "Alpha beta gamma"


def test_body_markers_follow_the_farm_guid() -> None:
    gen = Generator(1)
    want = first_words(gen.item(3, 7).html)
    assert body_markers([{"guid": "farm-1-3-7", "title": "t"}], 1) == [want]
    assert len(want.split()) == 3


def test_issue18_rules_may_cost_a_tenth_of_the_cold_refresh() -> None:
    ok, inside = issue18(
        {"rules.cold_s": 10.9, "rules.plain_s": 10.0, "rules.count": 20, "rules.inside_s": 0.9}
    )
    assert ok.passed is True and ok.name.startswith("cold refresh with 20 rules")
    assert inside.passed is True and inside.row()[3] == "0.090x"
    slow, slow_inside = issue18(
        {"rules.cold_s": 11.2, "rules.plain_s": 10.0, "rules.inside_s": 1.2}
    )
    assert slow.passed is False and slow_inside.passed is False
    assert [t.passed for t in issue18({})] == [None, None]


def test_the_benchmark_rules_are_valid_and_of_every_kind() -> None:
    from rules_bench import RULES

    from tui.core.query.parse import parse_query
    from tui.core.rules import rule_actions

    assert len(RULES) == 20
    kinds: set[str] = set()
    for query, actions in RULES:
        assert parse_query(query).error is None, query
        kinds.update(rule_actions(**actions).words())  # type: ignore[arg-type]
    assert {"hide", "mark read", "star"} <= kinds
    assert any(k.startswith("tag ") for k in kinds)
    assert any(k.startswith("highlight ") for k in kinds)
