"""The models and the migrations must describe the same schema."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import (
    CheckConstraint,
    Connection,
    Engine,
    ForeignKeyConstraint,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
    create_engine,
    inspect,
    text,
)
from sqlalchemy.sql.schema import DEFAULT_NAMING_CONVENTION, ColumnCollectionMixin

from app.migrate import alembic_config
from app.models import Base
from tests.helpers import PG_URL, require_or_skip

# (kind, name, columns, referred table or ""): one per constraint or index of a table.
Named = tuple[str, str, tuple[str, ...], str]


def test_models_match_migrations(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"


def test_migrations_create_every_table(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def _declared(table: Table) -> set[Named]:
    """The names Base.metadata's naming convention gives this table's constraints and indexes."""
    names: set[Named] = set()
    for c in table.constraints:
        cols = tuple(col.name for col in c.columns) if isinstance(c, ColumnCollectionMixin) else ()
        if isinstance(c, PrimaryKeyConstraint):
            names.add(("pk", str(c.name), cols, ""))
        elif isinstance(c, ForeignKeyConstraint):
            names.add(("fk", str(c.name), cols, c.referred_table.name))
        elif isinstance(c, UniqueConstraint):
            names.add(("uq", str(c.name), cols, ""))
        elif isinstance(c, CheckConstraint):
            names.add(("ck", str(c.name), (), ""))
    for ix in table.indexes:
        cols = tuple(col.name for col in ix.columns)
        names.add(("ix", str(ix.name), cols, ""))
    return names


def _inspected(bind: Engine | Connection, table: str) -> set[Named]:
    """The names the migrated database really has for this table's constraints and indexes."""
    insp = inspect(bind)
    names: set[Named] = set()
    pk = insp.get_pk_constraint(table)
    names.add(("pk", str(pk["name"]), tuple(pk["constrained_columns"]), ""))
    for fk in insp.get_foreign_keys(table):
        names.add(("fk", str(fk["name"]), tuple(fk["constrained_columns"]), fk["referred_table"]))
    uq_names = set()
    for uq in insp.get_unique_constraints(table):
        uq_names.add(uq["name"])
        names.add(("uq", str(uq["name"]), tuple(uq["column_names"]), ""))
    for ck in insp.get_check_constraints(table):
        names.add(("ck", str(ck["name"]), (), ""))
    ix: Any
    for ix in insp.get_indexes(table):
        # PostgreSQL lists the index behind each unique constraint too, under the same name.
        if ix["name"] in uq_names or "duplicates_constraint" in ix:
            continue
        names.add(("ix", str(ix["name"]), tuple(ix["column_names"]), ""))
    return names


def test_constraint_and_index_names_follow_the_convention(engine: Engine) -> None:
    """compare_metadata() ignores the names of primary keys, foreign keys and CHECK constraints
    (and, on SQLite, of unique constraints): this compares every name, on every backend."""
    wrong = {}
    for table in Base.metadata.sorted_tables:
        declared, found = _declared(table), _inspected(engine, table.name)
        if declared != found:
            wrong[table.name] = {
                "missing": sorted(declared - found),
                "unexpected": sorted(found - declared),
            }
    assert wrong == {}, f"constraint or index names differ from the naming convention: {wrong}"


LEGACY_SCHEMA = "legacy_names"


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of its own (PostgreSQL: a schema first on the search path)."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'legacy.db'}")
        yield engine
        engine.dispose()
        return
    require_or_skip(bool(PG_URL), "DLI_TEST_DATABASE_URL is not set: no PostgreSQL to test on")
    assert PG_URL
    engine = create_engine(PG_URL, connect_args={"options": f"-csearch_path={LEGACY_SCHEMA}"})
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {LEGACY_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {LEGACY_SCHEMA}"))
    yield engine
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {LEGACY_SCHEMA} CASCADE"))
    engine.dispose()


def _migrate(engine: Engine, action: str, revision: str) -> None:
    cfg = alembic_config(str(engine.url))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, revision)


def _all_names(bind: Engine | Connection) -> dict[str, set[Named]]:
    return {t.name: _inspected(bind, t.name) for t in Base.metadata.sorted_tables}


def test_databases_built_before_the_naming_convention_get_its_names(
    scratch: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database that 0001-0006 built while the models had no naming convention (PostgreSQL's
    default names, SQLite's unnamed constraints) gets the conventional names from the upgrade,
    keeps its rows, and gets its old names back from the downgrade."""
    with monkeypatch.context() as m:
        m.setattr(Base.metadata, "naming_convention", DEFAULT_NAMING_CONVENTION)
        _migrate(scratch, "upgrade", "0006")
    legacy = _all_names(scratch)
    assert legacy != {t.name: _declared(t) for t in Base.metadata.sorted_tables}
    with scratch.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, username, password_hash, role, created_at) "
                "VALUES (7, 'ada', 'x', 'admin', '2024-01-01 00:00:00+00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO api_tokens (id, user_id, name, token_hash, prefix, created_at) "
                "VALUES (1, 7, 't', 'h', 'p', '2024-01-01 00:00:00+00:00')"
            )
        )

    _migrate(scratch, "upgrade", "head")
    wrong = {
        t.name: (_declared(t) ^ _inspected(scratch, t.name))
        for t in Base.metadata.sorted_tables
        if _declared(t) != _inspected(scratch, t.name)
    }
    assert wrong == {}, f"names differ from the naming convention after the upgrade: {wrong}"
    with scratch.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        assert conn.execute(text("SELECT username FROM users")).scalars().all() == ["ada"]
        assert conn.execute(text("SELECT user_id FROM api_tokens")).scalars().all() == [7]

    _migrate(scratch, "downgrade", "0006")
    assert _all_names(scratch) == legacy
    with scratch.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM api_tokens")).scalar() == 1
    _migrate(scratch, "downgrade", "base")
