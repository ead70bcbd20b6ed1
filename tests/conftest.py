"""Fixtures for every test."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def detached_stages():
    """After each test and its rollback, detach the staging files a SQLite first load left
    attached (outside tests they are detached after the commit, which tests never reach)."""
    yield
    from django.db import connection

    from rentbook.imports.loaders import detach_stages

    if connection.vendor == "sqlite" and connection.connection is not None:
        detach_stages(connection.connection)
