"""What ``gazette`` tells a calling script through its exit status.

A module of its own so that every handler can import the codes without
importing the package ``__init__`` that dispatches to them (a cycle).
"""

from __future__ import annotations

EXIT_OK = 0
#: Refresh ran, but some feeds failed: scripts can retry or alert on it.
EXIT_FEEDS_FAILED = 1
#: Usage or input error (the one line on stderr says what and where).
EXIT_USAGE = 2
#: Ctrl-C, as a shell reports a process ended by SIGINT (128 + 2).
EXIT_INTERRUPTED = 130
