"""Issue 15's and issue 16's targets, each judged against its reference measured in the same run.

The parts of the run put their medians into ``Bench.values`` under the
keys below; ``issue15`` and ``issue16`` turn them into one row per target: the measured
value, the reference, the ratio and the verdict.  A target whose figures
were not taken in this run (``--only``, no tmux, no newsboat, no ``--scale``)
reads "n/a", never PASS.  The exit code does not depend on them unless
``--strict`` is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from report import fmt_count, fmt_num

#: How much slower the first start after an install may be than a later one
#: (the issue says "as fast": this margin is the run-to-run noise of a start).
FIRST_START_SLACK = 1.1


@dataclass(frozen=True)
class Target:
    """``measured <= limit * reference`` (or ``<= limit`` when there is no reference)."""

    name: str
    unit: str
    measured: float | None
    limit: float
    reference: float | None = None
    ref_name: str = ""

    @property
    def relative(self) -> bool:
        return bool(self.ref_name)

    @property
    def bound(self) -> float | None:
        if not self.relative:
            return self.limit
        return None if self.reference is None else self.limit * self.reference

    @property
    def ratio(self) -> float | None:
        if self.measured is None or self.reference is None or self.reference == 0:
            return None
        return self.measured / self.reference

    @property
    def passed(self) -> bool | None:
        bound = self.bound
        if self.measured is None or bound is None:
            return None
        return self.measured <= bound

    def row(self) -> list[str]:
        def num(x: float | None) -> str:
            if x is None:
                return "n/a"
            return f"{(fmt_count if self.unit in COUNTS else fmt_num)(x)} {self.unit}"

        ref = f"{num(self.reference)} ({self.ref_name})" if self.relative else "-"
        limit = f"<= {self.limit:g}x" if self.relative else f"<= {num(self.limit)}"
        ratio = "n/a" if self.ratio is None else f"{self.ratio:.3f}x"
        verdict = {None: "n/a", True: "PASS", False: "FAIL"}[self.passed]
        return [self.name, num(self.measured), ref, ratio, limit, verdict]


HEADER = ["target (issue 15)", "measured", "reference, same run", "ratio", "limit", "pass"]
ISSUE16_HEADER = ["target (issue 16)", *HEADER[1:]]
ISSUE18_HEADER = ["target (issue 18)", *HEADER[1:]]
#: Units that count things: written as whole numbers.
COUNTS = frozenset({"requests"})


def issue15(v: Mapping[str, float]) -> list[Target]:
    """Every target of issue 15 from the values a run collected (missing ones read n/a)."""
    g = v.get
    minimal_key = g("minimal.key_p95_ms")
    out = [
        Target(
            "open an article, p95 (tmux, 100,000)",
            "ms",
            g("gazette.open_tmux_p95_ms"),
            2.0,
            minimal_key,
            "minimal app key p95",
        ),
        Target(
            "open an article, p95 (in-process, pilot)",
            "ms",
            g("gazette.open_pilot_p95_ms"),
            2.0,
            minimal_key,
            "minimal app key p95",
        ),
        Target(
            "key in the list, p95 Down + PageDown (tmux)",
            "ms",
            g("gazette.key_p95_ms"),
            1.0,
            minimal_key,
            "minimal app key p95",
        ),
        Target(
            "startup to a painted list, 100,000 (tmux)",
            "s",
            g("gazette.startup_s"),
            1.25,
            g("minimal.startup_s"),
            "minimal app first paint",
        ),
        Target(
            "first start after install (PYTHONDONTWRITEBYTECODE=1)",
            "s",
            g("install.first_start_s"),
            FIRST_START_SLACK,
            g("install.later_start_s"),
            "later start",
        ),
        Target(
            "database per 1,000 articles (100,000)",
            "MB",
            g("gazette.db_mb_per_1k"),
            1.0,
            g("newsboat.db_mb_per_1k"),
            "newsboat",
        ),
        Target("search p50 at 100,000", "ms", g("gazette.search_p50_ms"), 20.0),
        Target(
            "cold refresh peak memory (process tree)",
            "MB",
            g("refresh.peak_mb"),
            1.5,
            g("newsboat.refresh_peak_mb"),
            "newsboat",
        ),
        Target(
            "memory reading at 100,000 (tmux, VmHWM)",
            "MB",
            g("gazette.read_mb"),
            1.0,
            g("newsboat.read_mb"),
            "newsboat",
        ),
        Target(
            "cold refresh, median of runs",
            "s",
            g("refresh.cold_s"),
            0.4,
            g("newsboat.cold_s"),
            "newsboat",
        ),
        Target(
            "cold refresh CPU, median of runs",
            "s",
            g("refresh.cpu_s"),
            0.6,
            g("newsboat.cpu_s"),
            "newsboat",
        ),
        Target("warm refresh of 1,000 feeds, all 304", "s", g("refresh.warm_s"), 1.0),
    ]
    out += [
        Target(
            "scale: startup to a painted list, 1,000,000 (tmux)",
            "s",
            g("scale.startup_s"),
            1.25,
            g("minimal.startup_s"),
            "minimal app first paint",
        ),
        Target("scale: open a 500,000-article view (pilot)", "ms", g("scale.view_ms"), 200.0),
        Target("scale: search p50", "ms", g("scale.search_p50_ms"), 20.0),
        Target(
            "scale: key in the list, p95 (tmux)",
            "ms",
            g("scale.key_p95_ms"),
            1.0,
            minimal_key,
            "minimal app key p95",
        ),
        Target(
            "scale: open an article, p95 (tmux)",
            "ms",
            g("scale.open_tmux_p95_ms"),
            2.0,
            minimal_key,
            "minimal app key p95",
        ),
        Target("scale: warm refresh of 10,000 feeds", "s", g("scale.warm_10k_s"), 10.0),
        Target("scale: memory while reading (tmux, VmHWM)", "MB", g("scale.read_mb"), 150.0),
    ]
    return out


def issue16(v: Mapping[str, float]) -> list[Target]:
    """Issue 16's targets (sync, ``sync.py``) from the values a run collected."""
    g = v.get
    marks, feeds, items = g("sync.marks", 1000), g("sync.feeds", 200), g("sync.items", 50)
    return [
        Target(
            f"initial sync, {feeds:,.0f} feeds x {items:.0f}, median of runs",
            "s",
            g("sync.initial_s"),
            0.5,
            g("newsboat.sync_cold_s"),
            "newsboat cold reload, feedhq + shim",
        ),
        Target("sync with nothing new", "s", g("sync.again_s"), 1.0),
        Target(
            f"{marks:,.0f} read marks pushed",
            "requests",
            g("sync.push_requests"),
            5.0,
        ),
    ]


def issue18(v: Mapping[str, float]) -> list[Target]:
    """Issue 18's target (rules, ``rules_bench.py``): 20 rules of mixed kinds
    cost at most 10% of the cold refresh they run in."""
    g = v.get
    return [
        Target(
            f"cold refresh with {g('rules.count', 20):.0f} rules of mixed kinds",
            "s",
            g("rules.cold_s"),
            1.10,
            g("rules.plain_s"),
            "the same cold refresh without rules",
        ),
        Target(
            "time running those rules inside the refresh",
            "s",
            g("rules.inside_s"),
            0.10,
            g("rules.plain_s"),
            "the same cold refresh without rules",
        ),
    ]
