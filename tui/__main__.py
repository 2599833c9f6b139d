"""Allow ``python -m tui``.

The guard matters: refresh parses in a spawn-started process pool, and spawn
re-imports the main module in every worker.
"""

from tui.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
