"""Refreshing feeds: the pipeline (``pipeline``), its decisions as pure
functions (``decide``), the parser pool, the shared write batch and the
schedule rules.

Deliberately empty: the store imports :mod:`tui.core.refresh.schedule`
(the settings keys), and the pipeline imports the store, so importing the
package itself must pull in nothing.
"""
