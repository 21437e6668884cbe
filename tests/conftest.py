"""Shared fixtures: the bundled seeds and the optional ../shared/data sets."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "corpus" / "seeds"


def shared_data_dir() -> Path:
    """../shared/data beside the checkout, or $FRAMING_SHARED_DATA."""
    env = os.environ.get("FRAMING_SHARED_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    path = shared_data_dir()
    if not path.is_dir():
        pytest.skip(f"public data sets not found at {path} (set FRAMING_SHARED_DATA)")
    return path


@pytest.fixture
def seeds() -> Path:
    return SEEDS


def seed_path(number: int) -> Path:
    (path,) = SEEDS.glob(f"{number:03d}_*.txt")
    return path
