"""Sync with a server through the Google Reader API (issue 16).

* :mod:`.greader`: :class:`~tui.core.sync.greader.GReaderClient`, the protocol;
* :mod:`.replies`: the server's answers checked and turned into records;
* :mod:`.records`: those records (subscriptions, labels, items);
* :mod:`.ids`: item ids in their two forms, and the state streams;
* :mod:`.dialects`: what differs between FreshRSS, Miniflux, Inoreader,
  The Old Reader and BazQux, as a few named settings;
* :mod:`.errors`: failures as one line each, in the kinds a sync acts on.

The package knows HTTP only through :class:`tui.core.fetch.api.ApiClient`,
and knows nothing of storage, the Library or any front end (import
contracts in ``pyproject.toml``): what a pull or a push does with these
answers is the sync engine's business.
"""
