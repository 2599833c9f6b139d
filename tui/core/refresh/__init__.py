"""Refreshing feeds: the pipeline (``pipeline``), its decisions as pure
functions (``decide``), the parser pool, the shared write batch and the
schedule rules.

Deliberately empty: importing the package itself pulls in nothing, so that
each user loads only the part it needs (the parse pool's workers load only
``pool``).  The store sits below all of it and imports none of it.
"""
