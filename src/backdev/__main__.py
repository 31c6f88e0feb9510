"""`python -m backdev` and the `backdev` console script."""

from __future__ import annotations

import sys

from backdev.entrypoints.cli import main

if __name__ == "__main__":
    sys.exit(main())
