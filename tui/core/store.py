"""The store's former home, kept so that ``from tui.core.store import Store`` works.

The store is now the package :mod:`tui.core.storage` (one module per domain);
import from there in new code.
"""

from __future__ import annotations

from tui.core.storage import MIGRATIONS, PAGE_SIZE, SCHEMA_VERSION, Store

__all__ = ["MIGRATIONS", "PAGE_SIZE", "SCHEMA_VERSION", "Store"]
