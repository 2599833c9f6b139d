"""How the terminal half counts article opens (benchmarks/terminal.py, benchmarks/reading.py).

A fake tmux stands in for Gazette: a list whose cursor Down and Up move,
Enter opening the article under it (its first words on screen), ``h``
going back.  It can put the cursor back on an article some time after
opening it, as Gazette's list reload after a worker's commit does; the
harness must still open every article once and count each open, and say
why when it cannot.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from reading import opens_counted  # noqa: E402
from terminal import Session, TuiRun, TuiSpec  # noqa: E402

MARKERS = [f"Word{k} alpha beta" for k in range(10)]


class FakeReader:
    """What tmux would show of a reader: the list, or the open article."""

    def __init__(self, yank_after: Sequence[int] = (), blank: Sequence[int] = ()) -> None:
        self.cursor = 0
        self.open: int | None = None
        self.opened: list[int] = []  # rows opened, in order, each time
        self.keys = 0
        #: Rows whose first open puts the cursor back on them after the next Down.
        self.yank_after = set(yank_after)
        self.pending: int | None = None
        #: Rows whose body never shows.
        self.blank = set(blank)

    def start(self, name: str, cmd: Sequence[str], env: dict[str, str]) -> int:
        return 2**30  # no such process: the harness then reads no memory

    def screen(self, name: str, styled: bool = False) -> str:
        if self.open is not None:
            body = "" if self.open in self.blank else f"{MARKERS[self.open]} and more words"
            return f"Title {self.open}\n{body}\nstatus\nkeys\n"
        rows = [f"{'>' if k == self.cursor else ' '} Title {k}" for k in range(len(MARKERS))]
        return "\n".join(["List", *rows, f"keys pressed {self.keys}", "status", "keys", ""])

    def send(self, name: str, key: str) -> None:
        self.keys += 1
        if key == "Enter" and self.open is None:
            self.open = self.cursor
            if self.cursor not in self.opened and self.cursor in self.yank_after:
                self.pending = self.cursor
            self.opened.append(self.cursor)
        elif key == "h":
            self.open = None
        elif key in ("Down", "Up") and self.open is None:
            self.cursor += 1 if key == "Down" else -1
            if self.pending is not None:  # the reload's answer lands after the key
                self.cursor, self.pending = self.pending, None


def session(reader: FakeReader) -> Session:
    spec = TuiSpec("fake", ["fake"], {}, "Title 0", ("fake",), ("q",), timeout=1.0)
    return Session(reader, spec)  # type: ignore[arg-type]


def test_every_open_is_counted_when_the_list_puts_the_cursor_back() -> None:
    reader = FakeReader(yank_after=(2, 5))
    s = session(reader)
    s.time_opens(MARKERS, 0, 8, timeout=2.0)
    assert len(s.run.open_s) == 8
    assert s.run.open_misses == []
    assert s.run.open_reaims == [
        "row 3: Enter showed row 2's body (the cursor was there)",
        "row 6: Enter showed row 5's body (the cursor was there)",
    ]
    assert sorted(set(reader.opened)) == list(range(8))  # rows 0-7, each opened (again: 2, 5)


def test_opens_start_on_the_given_row() -> None:
    reader = FakeReader()
    reader.cursor = 4
    s = session(reader)
    s.time_opens(MARKERS, 4, 3, timeout=2.0)
    assert reader.opened == [4, 5, 6]
    assert len(s.run.open_s) == 3


def test_an_open_that_never_shows_is_kept_with_its_reason() -> None:
    reader = FakeReader(blank=(1,))
    s = session(reader)
    s.time_opens(MARKERS, 0, 3, timeout=0.3)
    assert len(s.run.open_s) == 2
    assert s.run.open_misses == [
        "row 1 ('Word1 alpha beta'): its words never showed within 0.3 s "
        "(no listed article on screen)"
    ]
    assert reader.opened == [0, 1, 2]


def test_an_incomplete_count_is_not_judged() -> None:
    full = TuiRun(1.0, open_s=[0.1, 0.2])
    short = TuiRun(1.0, open_s=[0.1], open_misses=["row 3: never showed"])
    never = TuiRun(None)
    assert opens_counted([full, never], 2) == ("2 of 2 opens counted", True)
    text, complete = opens_counted([full, short], 2)
    assert not complete
    assert text == "INCOMPLETE, 3 of 4 opens counted: not judged against the target"
    reaimed = TuiRun(1.0, open_s=[0.1, 0.2], open_reaims=["row 1: ..."])
    assert opens_counted([reaimed], 2) == (
        "2 of 2 opens counted, 1 Enters showed another article first and were aimed again",
        True,
    )
