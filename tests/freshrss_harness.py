"""A real FreshRSS for the integration tests: feeds to serve it, start and stop.

The server is ``../shared/freshrss/start.sh`` (FreshRSS on PHP's built-in
server, SQLite, 127.0.0.1; see its README): this module writes the OPML of
feeds served by a :class:`~feedserver.FeedServer`, runs ``start.sh`` and
reads back ``server.env``.  The ``freshrss`` fixture in
``tests/integration/conftest.py`` uses it; so can a script that records
answers (``tests/fixtures/greader/freshrss/README.md``).

What is missing is said in one line (:func:`missing`), never skipped: the
tests marked ``freshrss`` run only when asked for (``pytest -m freshrss``),
and then they must run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from email.utils import formatdate
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from feedserver import FeedServer

__all__ = [
    "APT_PACKAGES",
    "FEEDS",
    "HARNESS_VAR",
    "ITEMS",
    "SPARE_FEED",
    "feed_xml",
    "missing",
    "opml",
    "serve_feeds",
    "start",
    "stop",
]

#: The environment variable naming the directory that holds start.sh.
HARNESS_VAR = "GAZETTE_FRESHRSS_HARNESS"
#: The integration tests' feeds: FEEDS feeds in two folders, ITEMS items each.
FEEDS = 4
ITEMS = 12
#: Served but not subscribed: the feed a test adds with quickadd.
SPARE_FEED = FEEDS
#: What start.sh needs from Debian.
APT_PACKAGES = "php-cli php-sqlite3 php-curl php-xml php-mbstring php-intl php-zip php-gmp"
#: Dates of the generated items: 2026-01-01 00:00 UTC, one hour apart (newest first).
_EPOCH = 1_767_225_600
_LOOPBACK = "127.0.0.1,localhost,::1"


def missing() -> str | None:
    """What keeps the FreshRSS tests from running, as one line; None when nothing."""
    where = os.environ.get(HARNESS_VAR, "").strip()
    if not where:
        return (
            f"the FreshRSS tests need {HARNESS_VAR} set to the directory of start.sh "
            f"(e.g. {HARNESS_VAR}=$(cd ../shared/freshrss && pwd) uv run pytest -m freshrss)"
        )
    if not (Path(where) / "start.sh").is_file():
        return f"{HARNESS_VAR}={where} has no start.sh"
    if shutil.which("php") is None:
        return f"the FreshRSS tests need PHP: apt-get install -y {APT_PACKAGES}"
    return None


def harness_dir() -> Path:
    """The directory of start.sh (call :func:`missing` first)."""
    return Path(os.environ[HARNESS_VAR].strip())


def feed_xml(feed: int, items: int) -> str:
    """RSS for feed ``feed`` with ``items`` items: guid, link, author, category, HTML."""
    entries = []
    for j in range(items):
        when = formatdate(_EPOCH - 3600 * (feed * 100 + j), usegmt=True)
        entries.append(
            "<item>"
            f"<title>Feed {feed} item {j}</title>"
            f"<link>https://news{feed}.example.com/{j}</link>"
            f'<guid isPermaLink="false">urn:gazette-test:{feed}:{j}</guid>'
            f"<pubDate>{when}</pubDate>"
            f"<author>writer{feed}@example.com (Writer {feed})</author>"
            f"<category>topic{j % 3}</category>"
            f"<description>{escape(f'<p>Body of item {j} of feed {feed}.</p>')}</description>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Feed {feed}</title><link>https://news{feed}.example.com/</link>"
        f"<description>Test feed {feed}</description>{''.join(entries)}</channel></rss>\n"
    )


def serve_feeds(server: FeedServer, feeds: int, items: int) -> list[str]:
    """Serve feeds 0..feeds-1 (``/feeds/N.xml``) on ``server``; their URLs."""
    urls = []
    for feed in range(feeds):
        path = f"/feeds/{feed}.xml"
        server.page(path, feed_xml(feed, items), content_type="application/rss+xml")
        urls.append(server.url(path))
    return urls


def opml(folders: dict[str, list[str]]) -> str:
    """An OPML document with one outline per folder holding its feed URLs."""
    body = []
    for name, urls in folders.items():
        inner = "".join(
            f'<outline type="rss" text={quoteattr(u)} xmlUrl={quoteattr(u)}/>' for u in urls
        )
        body.append(f"<outline text={quoteattr(name)} title={quoteattr(name)}>{inner}</outline>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<opml version="2.0"><head><title>test</title>'
        f"</head><body>{''.join(body)}</body></opml>\n"
    )


def _env() -> dict[str, str]:
    """This environment with loopback kept away from any proxy (PHP's curl honours them)."""
    env = dict(os.environ)
    for name in ("NO_PROXY", "no_proxy"):
        env[name] = ",".join(filter(None, [env.get(name), _LOOPBACK]))
    return env


def start(workdir: Path, opml_file: Path) -> dict[str, str]:
    """Run start.sh (a new, empty ``workdir``); the values of its server.env.

    Raises RuntimeError with start.sh's last lines when it fails.
    """
    script = harness_dir() / "start.sh"
    done = subprocess.run(
        [str(script), str(workdir), "--opml", str(opml_file)],
        capture_output=True,
        text=True,
        timeout=600,
        env=_env(),
        check=False,
    )
    if done.returncode != 0:
        tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
        raise RuntimeError(f"start.sh failed ({done.returncode}): {tail}")
    env: dict[str, str] = {}
    for line in (workdir / "server.env").read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep:
            env[key.strip()] = value.strip()
    return env


def stop(workdir: Path) -> None:
    """Run stop.sh (the server and its workers end; ``workdir`` stays)."""
    subprocess.run(
        [str(harness_dir() / "stop.sh"), str(workdir)],
        capture_output=True,
        timeout=60,
        check=False,
    )
