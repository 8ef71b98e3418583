"""Shared fixtures: ``fake_api``, a started strict fake Telegram Bot API on 127.0.0.1; ``db``, a
migrated database of its own for each test, once on SQLite and once on a throw-away PostgreSQL.

A test that takes ``db`` (or ``db_url``, ``empty_db_url``, ``db_backend``) runs once per backend:
``test_x[sqlite]`` and ``test_x[postgresql]``. ``@pytest.mark.backends("sqlite")`` narrows that.
End-to-end harnesses take ``e2e_db_url``: SQLite only, unless the test is marked ``backends``.
Where PostgreSQL is not installed, its runs are skipped with the reason; with
``STUDYBOT_REQUIRE_POSTGRES=1`` (CI) they fail instead.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.db import Database
from bot.db.migrate import upgrade
from tests.fakebot import FakeBotAPI
from tests.pg_cluster import PgCluster, find_bindir

BACKENDS = ("sqlite", "postgresql")
# the fixture a test asks for, and the backends it runs on when the test does not say
BACKEND_FIXTURES = {"db_backend": BACKENDS, "e2e_backend": ("sqlite",)}
MIGRATED_TEMPLATE = "studybot_head"

_database_numbers = itertools.count(1)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "backends(*names): the databases the test runs on (sqlite, postgresql)"
    )
    config.addinivalue_line("markers", "postgresql: runs against the throw-away PostgreSQL")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker("backends")
    for fixture, default in BACKEND_FIXTURES.items():
        if fixture not in metafunc.fixturenames:
            continue
        names = marker.args if marker else default
        unknown = set(names) - set(BACKENDS)
        if unknown:
            raise pytest.UsageError(f"unknown backends {unknown} on {metafunc.definition.nodeid}")
        params = [
            pytest.param(name, marks=pytest.mark.postgresql) if name == "postgresql" else name
            for name in names
        ]
        metafunc.parametrize(fixture, params, indirect=True)


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotAPI]:
    """A running FakeBotAPI; point PTB at ``fake_api.base_url`` / ``fake_api.base_file_url``
    (or TELEGRAM_API_URL=``fake_api.root_url``) with token ``fake_api.token``."""
    api = FakeBotAPI()
    await api.start()
    try:
        yield api
    finally:
        await api.stop()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """The session's PostgreSQL server, with a migrated template database to copy per test."""
    bindir = find_bindir()
    if bindir is None:
        reason = "PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin)"
        if os.environ.get("STUDYBOT_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{reason}, and STUDYBOT_REQUIRE_POSTGRES=1", pytrace=False)
        pytest.skip(f"{reason}: the PostgreSQL runs did not run")
    cluster = PgCluster(bindir)
    try:
        cluster.start()
        asyncio.run(_admin(cluster, f"CREATE DATABASE {MIGRATED_TEMPLATE}"))
        upgrade(cluster.url(MIGRATED_TEMPLATE))
        yield cluster
    finally:
        cluster.stop()


async def _admin(cluster: PgCluster, *statements: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(cluster.dsn())
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def _backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql":
        # started here, in a plain fixture: its setup runs event loops of its own
        request.getfixturevalue("pg_cluster")
    return request.param


@pytest.fixture
def db_backend(request: pytest.FixtureRequest) -> str:
    """The backend this run of the test is on: "sqlite" or "postgresql"."""
    return _backend(request)


@pytest.fixture
def e2e_backend(request: pytest.FixtureRequest) -> str:
    return _backend(request)


async def _database_url(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, migrated: bool
) -> AsyncIterator[str]:
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'state.db'}"
        if migrated:
            database = Database(url)
            await database.start()
            await database.close()
        yield url
        return
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    name = f"test_{os.getpid()}_{next(_database_numbers)}"
    template = MIGRATED_TEMPLATE if migrated else "template0"
    await _admin(cluster, f"CREATE DATABASE {name} TEMPLATE {template}")
    try:
        yield cluster.url(name)
    finally:
        await _admin(cluster, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
async def empty_db_url(
    request: pytest.FixtureRequest, db_backend: str, tmp_path: Path
) -> AsyncIterator[str]:
    """The URL of an empty database of the test's own (no tables, not even Alembic's)."""
    async for url in _database_url(request, db_backend, tmp_path, migrated=False):
        yield url


@pytest.fixture
async def db_url(
    request: pytest.FixtureRequest, db_backend: str, tmp_path: Path
) -> AsyncIterator[str]:
    """The URL of a database of the test's own, at the newest revision (on PostgreSQL a copy
    of a template migrated once per session)."""
    async for url in _database_url(request, db_backend, tmp_path, migrated=True):
        yield url


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    """A started ``Database`` (schema at head) of the test's own."""
    database = Database(db_url)
    await database.start()
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def e2e_db_url(
    request: pytest.FixtureRequest, e2e_backend: str, tmp_path: Path
) -> AsyncIterator[str]:
    """Like ``db_url``, for the end-to-end harnesses (SQLite unless the test says otherwise)."""
    async for url in _database_url(request, e2e_backend, tmp_path / "e2e-db", migrated=True):
        yield url
