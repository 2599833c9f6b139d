"""The search query language, in three pure parts.

* :mod:`.parse`: the language (``Query``, ``parse_query``, ``SYNTAX_HELP``,
  ``format_tag_filter``); never raises, whatever the input.  Its tokens come
  from :mod:`.lex`, and the regular expressions of ``title:/re/`` and the like
  are compiled and run, with a deadline per match, by :mod:`.patterns`.
* :mod:`.sql`: the one compiler, from a ``Query`` to the SQL + FTS5 MATCH that
  :mod:`tui.core.storage.search` runs.
* :mod:`.highlight`: words, folding, highlight spans and snippets; the only part
  the UI needs.

A query is limited to ``MAX_ITEMS`` words and filters, so a pasted page of text
gets a one-line message instead of a 2,000-term query.
"""
