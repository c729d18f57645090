"""Unit tests exercise pure rules: they never build the app or touch the database."""

import pytest


@pytest.fixture
def app():
    pytest.fail("unit tests do not build the app: move this test to tests/integration")
