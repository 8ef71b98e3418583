"""Saved searches: the query behind each search button, so ◀ ▶ survive restarts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 19:52:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "saved_searches",
        sa.Column("key", sa.String(length=16), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("created_at", bot.db.base.UTCDateTime(), nullable=False),
        sa.Column("last_used_at", bot.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_saved_searches")),
    )
    with op.batch_alter_table("saved_searches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_saved_searches_last_used_at"), ["last_used_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("saved_searches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_searches_last_used_at"))

    op.drop_table("saved_searches")
