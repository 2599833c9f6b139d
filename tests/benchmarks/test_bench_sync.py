"""The sync part of the benchmark (benchmarks/sync.py, sync_phases.py, targets.issue16).

No timing here: the server's set-up (OPML, server.env, newsboat's config),
the one-line reasons to skip, issue 16's verdicts, and the phases' counts
of requests, run against the in-memory Google Reader server of the unit
tests (the benchmark itself runs them against FreshRSS).
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from reader_double import ReaderDouble

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from newsboat import Newsboat  # noqa: E402
from report import Figure, table_rows  # noqa: E402
from sync import (  # noqa: E402
    HARNESS_VAR,
    harness_dir,
    missing,
    newsboat_config,
    opml,
    server_env,
)
from sync_phases import PUSH, phase_sync_again, phase_sync_initial, phase_sync_push  # noqa: E402
from targets import issue16  # noqa: E402

from tui.core.sync.greader import GReaderClient  # noqa: E402

ENV = {
    "FRESHRSS_API": "http://127.0.0.1:8123/api/greader.php",
    "FRESHRSS_USER": "bench",
    "FRESHRSS_API_PASSWORD": "benchapi123",
}


def test_opml_spreads_feeds_over_folders_as_make_opml_does() -> None:
    urls = [f"http://127.0.0.1:9/feed/{k}.xml?a=1&b=2" for k in range(5)]
    root = ET.fromstring(opml(urls, folders=2))
    folders = root.findall("./body/outline")
    assert [f.get("title") for f in folders] == ["Folder0", "Folder1"]
    assert [o.get("xmlUrl") for o in folders[0]] == [urls[0], urls[2], urls[4]]
    assert [o.get("xmlUrl") for o in folders[1]] == [urls[1], urls[3]]


def test_server_env_reads_start_sh_values() -> None:
    env = server_env("FRESHRSS_URL=http://127.0.0.1:80\n\nFRESHRSS_PID=42\nnot a pair\n")
    assert env == {"FRESHRSS_URL": "http://127.0.0.1:80", "FRESHRSS_PID": "42"}


def test_harness_comes_from_the_variable_else_beside_the_repository() -> None:
    assert harness_dir({HARNESS_VAR: "/srv/freshrss "}) == Path("/srv/freshrss")
    assert harness_dir({}) == BENCH.parent.parent / "shared" / "freshrss"


def test_a_missing_harness_or_php_is_said_in_one_line(tmp_path: Path) -> None:
    why = missing(tmp_path, "/usr/bin/php")
    assert why is not None and HARNESS_VAR in why and "\n" not in why
    (tmp_path / "start.sh").write_text("#!/bin/sh\n")
    why = missing(tmp_path, None)
    assert why is not None and "php" in why and "\n" not in why
    assert missing(tmp_path, "/usr/bin/php") is None


def test_newsboat_reads_the_server_through_its_feedhq_source(tmp_path: Path) -> None:
    nb = Newsboat(tmp_path / "nb", [], newsboat_config(ENV, 50))
    config = (tmp_path / "nb" / "config").read_text().splitlines()
    assert 'urls-source "feedhq"' in config
    assert f'feedhq-url "{ENV["FRESHRSS_API"]}"' in config
    assert 'feedhq-login "bench"' in config
    assert 'feedhq-password "benchapi123"' in config
    assert "feedhq-min-items 50" in config
    assert "reload-threads 8" in config  # the usual settings stay
    assert nb.args()[:2] == ["-u", str(tmp_path / "nb" / "urls")]


def test_initial_sync_target_is_half_of_newsboats_cold_reload() -> None:
    ok = issue16({"sync.initial_s": 6.0, "newsboat.sync_cold_s": 12.0})[0]
    assert ok.bound == 6.0 and ok.passed is True
    slow = issue16({"sync.initial_s": 6.1, "newsboat.sync_cold_s": 12.0})[0]
    assert slow.passed is False and slow.row()[3] == "0.508x"
    alone = issue16({"sync.initial_s": 1.0})[0]
    assert alone.passed is None and alone.row()[-1] == "n/a"


def test_nothing_new_target_is_one_second_and_read_marks_five_requests() -> None:
    targets = issue16({"sync.again_s": 1.0, "sync.push_requests": 2.0, "sync.marks": 1000})
    quiet, marks = targets[1], targets[2]
    assert quiet.passed is True and quiet.row()[2] == "-"
    assert marks.passed is True
    assert marks.name == "1,000 read marks pushed"
    assert marks.row()[1] == "2 requests" and marks.row()[4] == "<= 5 requests"
    worse = issue16({"sync.again_s": 1.01, "sync.push_requests": 6.0})
    assert [t.passed for t in worse[1:]] == [False, False]


def test_targets_name_the_sizes_measured() -> None:
    names = [t.name for t in issue16({"sync.feeds": 20, "sync.items": 10, "sync.marks": 200})]
    assert names[0].startswith("initial sync, 20 feeds x 10")
    assert names[2] == "200 read marks pushed"


def test_counts_are_shown_as_whole_numbers() -> None:
    rows = table_rows([Figure("requests", "n", [27.0, 27.0, 28.0]), Figure("t", "s", [2.0])])
    assert rows[0][2] == "27 / 27 / 28"
    assert rows[1][2] == "2.00"


@pytest.fixture
def reader() -> Iterator[tuple[ReaderDouble, str]]:
    double = ReaderDouble()
    double.feed(1, 12)
    double.feed(2, 12, folder=None)
    with double.serve() as url:
        yield double, url


def test_phases_count_the_push_apart_from_the_pull(
    reader: tuple[ReaderDouble, str], tmp_path: Path
) -> None:
    double, url = reader
    db = str(tmp_path / "g.db")
    first = phase_sync_initial({"db": db, "api": url, "user": "me", "password": "secret"})
    assert (first["new"], first["articles"], first["unread"], first["error"]) == (24, 24, 24, None)
    assert first["by_endpoint"]["ClientLogin"] == 1
    assert first["by_endpoint"][PUSH] == 0
    again = phase_sync_again({"db": db})
    assert again["new"] == 0 and again["by_endpoint"][PUSH] == 0
    assert again["requests"] == sum(n for k, n in again["by_endpoint"].items() if k != PUSH)

    push = phase_sync_push({"db": db, "marks": 10})
    assert (push["marked"], push["queued"], push["sent"], push["pending"]) == (10, 10, 10, 0)
    assert push["by_endpoint"]["edit-tag"] == 1
    assert push["by_endpoint"][PUSH] == 2  # the action token, then one edit-tag
    read = {i for i, e in double.items.items() if e.read}
    assert len(read) == 10 and len(push["remote_ids"]) == 10
    assert double.count("edit-tag") == 1
    assert sorted(push["remote_ids"]) == sorted(read)


def test_counting_ends_with_the_phase() -> None:
    call = GReaderClient._call
    from sync_phases import counting_requests

    with counting_requests():
        assert GReaderClient._call is not call
    assert GReaderClient._call is call
