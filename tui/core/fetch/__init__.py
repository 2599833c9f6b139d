"""Fetching: the only package that talks HTTP.

* :mod:`.client`: :class:`~tui.core.fetch.client.Fetcher`, polite and bounded
  downloads of feeds (and local files), redirects followed by hand;
* :mod:`.decoding`: gzip and deflate inflated under the size cap;
* :mod:`.reasons`: a failure as one line a user can read;
* :mod:`.hostpools`: how connections are kept (one small pool per host);
* :mod:`.discovery`: finding the feed behind a page or a site.

Which addresses are fetched, and how a typed one is made fetchable, is
:mod:`tui.core.urls`' rule; which bytes are a feed, :mod:`tui.core.parse.sniff`'s.

``import httpx`` also imports its command-line tool (httpx/_main.py), which
pulls in rich, click and pygments whenever they are installed, as they are
here (Textual needs rich).  That breaks the house rule that the core loads no
Rich, and costs ~60 ms.  httpx falls back to a stub when that import fails,
so the CLI module is marked absent here, before any module of the package
imports httpx.  Only this package imports httpx (an import contract in
``pyproject.toml`` says so), so this is the one place that needs to.

Nothing is imported here: :mod:`.discovery`'s pure functions load without
httpx, and the facade loads the fetcher only when something is fetched.
"""

import sys

sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
