"""Rules on the farm refresh (issue 18): a cold refresh with 20 rules of mixed
kinds beside the same cold refresh without rules, in turns, each in a fresh
process (``phases.py refresh`` with ``rules``).

The target: the rules cost at most 10% of the cold refresh.  The two
refreshes are timed whole, and the time spent in the rules themselves (inside
the refresh's writes) is measured too: on a shared machine the difference of
two 15 s refreshes is noisier than the 10% it judges.  Each refresh with
rules also reports how many articles the rules hid,
marked, starred, tagged and highlighted, so that a fast run that matched
nothing is seen for what it is.
"""

from __future__ import annotations

import statistics

from context import Bench
from farm import FarmProcess
from measure import clean_db, log, phase, settle
from report import Figure

#: 20 rules of mixed kinds over the farm's words (``farm.ANCHOR_WORDS``, common
#: to rare), authors and feeds: (query, actions as ``rule_actions`` keywords).
RULES: tuple[tuple[str, dict[str, object]], ...] = (
    ("quasar", {"hide": True}),
    ("archipelago lighthouse", {"hide": True}),
    ('"market people"', {"hide": True}),
    ("in:title glacier", {"hide": True}),
    ("vaccine", {"mark_read": True}),
    ("author:Knuth", {"mark_read": True}),
    ("telescope OR orchestra", {"mark_read": True}),
    ("feed:0007", {"mark_read": True}),
    ("harbour", {"star": True}),
    ("author:Hopper railway", {"star": True}),
    ("museum -election", {"star": True}),
    ("energy climate", {"tags": ["climate"]}),
    ("software", {"tags": ["software", "tech"]}),
    ("author:Liskov", {"tags": ["liskov"]}),
    ("research in:title", {"tags": ["research"]}),
    ("river", {"highlight": "blue"}),
    ("government election", {"highlight": "red"}),
    ("author:Thompson OR author:Kay", {"highlight": "green"}),
    ("system*", {"highlight": "yellow", "tags": ["systems"]}),
    ("lighthouse", {"hide": True, "star": True, "tags": ["kept"]}),
)


def run_rules(bench: Bench) -> None:
    s = bench.sizes
    log(f"rules: farm {s.refresh_feeds} feeds x {s.refresh_items}, {len(RULES)} rules")
    plain: list[float] = []
    ruled: list[float] = []
    inside: list[float] = []  # seconds spent running the rules, inside the refreshes
    acted: dict[str, int] = {}
    with FarmProcess(s.refresh_feeds, s.refresh_items, seed=s.seed, hosts=s.hosts) as farm:
        urls = bench.work / "rules-urls.txt"
        urls.write_text("\n".join(farm.urls) + "\n")
        for run in range(s.refresh_runs):
            # Alternate which goes first, so a busy moment does not favour one.
            order = (False, True) if run % 2 == 0 else (True, False)
            for with_rules in order:
                db = bench.work / f"rules-{run}-{int(with_rules)}.db"
                clean_db(db)
                settle()
                farm.reset_stats()
                args: dict[str, object] = {"db": str(db), "urls": str(urls)}
                if with_rules:
                    args["rules"] = [[q, a] for q, a in RULES]
                res, _ = phase("refresh", args)
                (ruled if with_rules else plain).append(res["seconds"])
                if with_rules:
                    acted = res.get("rules_acted", {})
                    inside.append(res["rules_s"])
                log(
                    f"cold refresh {'with' if with_rules else 'without'} rules "
                    f"{res['seconds']:.2f} s, new {res['new']}"
                    + (f", {res['rules_s']:.2f} s of it running rules" if with_rules else "")
                )
                clean_db(db)
    label = f"{s.refresh_feeds:,} feeds x {s.refresh_items}"
    bench.figures.append(
        Figure(
            f"cold refresh {label}, {len(RULES)} rules (core)",
            "s",
            ruled,
            plain,
            ref_name="no rules",
            note="rules acted on: " + ", ".join(f"{k} {v}" for k, v in acted.items()),
        )
    )
    bench.figures.append(
        Figure(
            f"time running {len(RULES)} rules inside that refresh",
            "s",
            inside,
            plain,
            ref_name="cold refresh without rules",
        )
    )
    bench.values["rules.cold_s"] = statistics.median(ruled)
    bench.values["rules.inside_s"] = statistics.median(inside)
    bench.values["rules.plain_s"] = statistics.median(plain)
    bench.values["rules.count"] = len(RULES)
    bench.raw["rules"] = {"with": ruled, "without": plain, "inside": inside, "acted": acted}
