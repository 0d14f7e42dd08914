"""constraint names: every primary key, foreign key, unique and CHECK constraint named by convention

Revision ID: 0007
Revises: 0006

app/models.py now gives Base.metadata a naming convention (pk_<table>, fk_<table>_<column>_<referred
table>, uq_<table>_<first column>, ck_<table>_<name>, ix_<column label>). Databases built before it
have other names: on PostgreSQL its defaults (users_pkey, submissions_user_id_fkey,
users_username_key) and the enum names for CHECK constraints (user_role); on SQLite no names at all,
but for the CHECK constraints and the two foreign keys 0003 and 0004 named. Databases built after
it already got most conventional names from 0001-0006 (Alembic hands the target metadata's naming
convention to op.create_table), but not 0003's fk_submissions_interview_id.

So nothing is assumed: the current names are read from the live catalog, and each constraint whose
name differs from its conventional one is renamed; one that already has it is left alone. The
target names are computed here, from each constraint's table, columns and referred table, so this
file does not change meaning if the models do. Indexes already follow the convention (0001-0006
named them ix_<table>_<column>, or explicitly), and keep their names.

PostgreSQL renames in place (ALTER TABLE ... RENAME CONSTRAINT, which also renames the index behind
a primary key or unique constraint). SQLite cannot rename a constraint, so each table is rebuilt
(batch mode, recreate="always") from its reflected structure with the new names; rows are copied.

The downgrade restores the names 0001-0006 gave without a naming convention: PostgreSQL's defaults
(or unnamed constraints on SQLite), the enum names for CHECK constraints, and the two explicit
foreign key names that 0003's and 0004's downgrades drop by name.
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables 0001-0006 created; no other table is touched.
TABLES = (
    "problems",
    "users",
    "api_tokens",
    "submissions",
    "case_results",
    "user_problem_status",
    "drafts",
    "interviews",
    "interview_questions",
    "interview_events",
    "code_snapshots",
    "user_sessions",
    "rate_limit_keys",
    "rate_limit_events",
    "revealed_hints",
    "queue_turns",
)

# The CHECK constraints of the enum columns, by table: named after the enum before this revision,
# ck_<table>_<enum name> after it.
CHECKS = {
    "users": ("user_role",),
    "submissions": ("submission_status", "verdict"),
    "user_problem_status": ("progress",),
    "interviews": ("interview_state",),
}

# Foreign keys that 0003 and 0004 named explicitly, by (table, column): their names before this
# revision (the later downgrades drop them by these names).
EXPLICIT_FKS = {
    ("submissions", "interview_id"): "fk_submissions_interview_id",
    ("interviews", "claimed_by_id"): "fk_interviews_claimed_by_id_users",
}

# Longest identifier PostgreSQL keeps; every name here is shorter, and this is checked.
MAX_NAME = 63

# What a namer is asked about one constraint: its kind ("pk", "fk", "uq" or "ck"), table, current
# name, columns and referred table ("" unless a foreign key). It answers the name it should have.
Namer = Callable[[str, str, str | None, Sequence[str], str], str | None]


def conventional_name(
    kind: str, table: str, name: str | None, columns: Sequence[str], referred: str
) -> str | None:
    """The name app/models.py's naming convention gives (as of this revision)."""
    if kind == "pk":
        new = f"pk_{table}"
    elif kind == "fk":
        new = f"fk_{table}_{columns[0]}_{referred}"
    elif kind == "uq":
        new = f"uq_{table}_{columns[0]}"
    else:  # ck: the convention prefixes the name the enum gives
        known = CHECKS.get(table, ())
        if name in known:
            new = f"ck_{table}_{name}"
        elif name is not None and name.removeprefix(f"ck_{table}_") in known:
            new = name
        else:
            return name  # not one of ours: leave it as it is
    assert len(new) <= MAX_NAME, new
    return new


def legacy_name(
    kind: str, table: str, name: str | None, columns: Sequence[str], referred: str
) -> str | None:
    """The name 0001-0006 gave without a naming convention, PostgreSQL's default if they gave none."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if kind == "fk" and (table, columns[0]) in EXPLICIT_FKS:
        return EXPLICIT_FKS[(table, columns[0])]
    if kind == "ck":
        known = CHECKS.get(table, ())
        stripped = (name or "").removeprefix(f"ck_{table}_")
        return stripped if stripped in known else name
    if sqlite:
        return None
    if kind == "pk":
        return f"{table}_pkey"
    if kind == "fk":
        return f"{table}_{columns[0]}_fkey"
    return f"{table}_{'_'.join(columns)}_key"


def _constraints(table: str) -> list[tuple[str, str | None, list[str], str]]:
    """(kind, name, columns, referred table) of each constraint, as the live catalog has them."""
    insp = sa.inspect(op.get_bind())
    found: list[tuple[str, str | None, list[str], str]] = []
    pk = insp.get_pk_constraint(table)
    if pk["constrained_columns"]:
        found.append(("pk", pk.get("name"), pk["constrained_columns"], ""))
    for fk in insp.get_foreign_keys(table):
        found.append(("fk", fk.get("name"), fk["constrained_columns"], fk["referred_table"]))
    for uq in insp.get_unique_constraints(table):
        found.append(("uq", uq.get("name"), uq["column_names"], ""))
    for ck in insp.get_check_constraints(table):
        found.append(("ck", ck.get("name"), [], ""))
    return found


def _rename_postgresql(table: str, namer: Namer) -> None:
    quote = op.get_bind().dialect.identifier_preparer.quote
    for kind, name, columns, referred in _constraints(table):
        new = namer(kind, table, name, columns, referred)
        if name is None or new is None or new == name:
            continue
        op.execute(f"ALTER TABLE {quote(table)} RENAME CONSTRAINT {quote(name)} TO {quote(new)}")


def _constraint_key(constraint: sa.Constraint) -> tuple[str, list[str], str]:
    if isinstance(constraint, sa.PrimaryKeyConstraint):
        return "pk", [c.name for c in constraint.columns], ""
    if isinstance(constraint, sa.ForeignKeyConstraint):
        return (
            "fk",
            list(constraint.column_keys),
            constraint.elements[0].target_fullname.split(".")[0],
        )
    if isinstance(constraint, sa.UniqueConstraint):
        return "uq", [c.name for c in constraint.columns], ""
    return "ck", [], ""


def _rename_sqlite(table: str, namer: Namer) -> None:
    bind = op.get_bind()
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        # Rebuilding a table drops the old one, and with foreign keys enforced that first deletes
        # its rows, cascading to the rows that refer to them.
        raise RuntimeError(
            "migration 0007 rebuilds tables: run it with SQLite foreign keys off "
            "(`dli db upgrade` does)"
        )
    listener: Any = ("column_reflect", op.get_context().impl.autogen_column_reflect)
    existing = sa.Table(table, sa.MetaData(), autoload_with=bind, listeners=[listener])
    changed = False
    for constraint in existing.constraints:
        if not isinstance(
            constraint,
            sa.PrimaryKeyConstraint
            | sa.ForeignKeyConstraint
            | sa.UniqueConstraint
            | sa.CheckConstraint,
        ):
            continue
        kind, columns, referred = _constraint_key(constraint)
        if kind == "pk" and not columns:
            continue
        name = constraint.name if isinstance(constraint.name, str) else None
        new = namer(kind, table, name, columns, referred)
        if new != name:
            constraint.name = new
            changed = True
    if not changed:
        return
    with op.batch_alter_table(table, recreate="always", copy_from=existing):
        pass


def _rename_all(namer: Namer) -> None:
    context = op.get_context()
    if context.as_sql:
        raise RuntimeError("migration 0007 reads the live catalog: it cannot run in --sql mode")
    bind = op.get_bind()
    present = set(sa.inspect(bind).get_table_names())
    for table in TABLES:
        if table not in present:
            continue
        if bind.dialect.name == "sqlite":
            _rename_sqlite(table, namer)
        else:
            _rename_postgresql(table, namer)


def upgrade() -> None:
    _rename_all(conventional_name)


def downgrade() -> None:
    _rename_all(legacy_name)
