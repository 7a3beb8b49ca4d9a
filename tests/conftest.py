"""Fixtures shared by every test suite."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
# CI and every developer machine have the published Khaos material beside the checkout.
SHARED_DIR = REPO_ROOT.parent / "shared"
KHAOSWS_SAMPLES = SHARED_DIR / "samples" / "khaosws"


@pytest.fixture(scope="session")
def khaosws_samples() -> Path:
    if not KHAOSWS_SAMPLES.is_dir():
        pytest.fail(f"published Khaos samples not found at {KHAOSWS_SAMPLES}")
    return KHAOSWS_SAMPLES
