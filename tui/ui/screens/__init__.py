"""Screens: the reader (``main``) and its dialogs (help, add feed, confirm)."""
