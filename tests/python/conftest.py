"""Shared pytest configuration: hypothesis profiles and the shared corpora."""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# CI runs are reproducible (derandomised); locally hypothesis explores new examples each run.
settings.register_profile(
    "ci", derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

SHARED_DATA = Path(os.environ.get("AKHBAR_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of the shared corpora; skips the test where it is absent (it is present in CI)."""
    if not (SHARED_DATA / "egy2013" / "articles.jsonl.gz").exists():
        pytest.skip(f"shared corpora not found at {SHARED_DATA}")
    return SHARED_DATA
