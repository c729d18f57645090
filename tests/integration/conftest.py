"""Integration tests run against the app with clean tables per test."""

import pytest


@pytest.fixture(autouse=True)
def _clean(clean_database):
    """Every test starts with empty tables and fresh rate-limit counters."""
