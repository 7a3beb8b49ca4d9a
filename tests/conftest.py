"""Fixtures shared by every test suite."""

from __future__ import annotations

from pathlib import Path

import pytest

# Simulators, the shop's Khaos configuration, a set-up data dir, the search backends and
# the shared services (Redis, S3), for every suite.
pytest_plugins = [
    "tests.khaos_fixtures",
    "tests.cli_fixtures",
    "tests.search_backends",
    "tests.services",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
# CI and every developer machine have the published Khaos material beside the checkout.
SHARED_DIR = REPO_ROOT.parent / "shared"
KHAOSWS_SAMPLES = SHARED_DIR / "samples" / "khaosws"
KCC_SAMPLES = SHARED_DIR / "samples" / "kcc"
# The suite's own documents: the published samples' structure with values of our own, so a
# plain clone tests every parser without the published material.
FIXTURES = REPO_ROOT / "tests" / "fixtures"


def published(folder: Path) -> Path:
    """A folder of published samples, or a skip with a notice in a plain clone."""
    if not folder.is_dir():
        pytest.skip(f"published samples not found at {folder} (they sit beside the checkout in CI)")
    return folder


@pytest.fixture(scope="session")
def khaosws_samples() -> Path:
    return published(KHAOSWS_SAMPLES)


@pytest.fixture(scope="session")
def kcc_samples() -> Path:
    return published(KCC_SAMPLES)


@pytest.fixture(scope="session")
def khaosws_fixtures() -> Path:
    return FIXTURES / "khaosws"
