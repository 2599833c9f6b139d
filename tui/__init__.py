"""Gazette: a terminal news reader. Kept import-light: only the version lives here."""

__version__ = "0.1.0"
