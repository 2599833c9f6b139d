"""The reader's widgets, one file each: feed list, article list, article pane, notes, status."""
