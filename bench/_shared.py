"""What the benchmark scripts share: where the public data sets are."""

from __future__ import annotations

import os
from pathlib import Path


def shared_data() -> Path | None:
    """../shared/data beside the checkout (or $FRAMING_SHARED_DATA), None when absent."""
    env = os.environ.get("FRAMING_SHARED_DATA")
    path = Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "data"
    return path if path.is_dir() else None
