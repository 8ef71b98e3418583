"""Students' "👎 Bad question" flags on quiz items, keyed by the item's stable id and the notes
it came from, so they survive index rebuilds.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 00:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quiz_flags",
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.String(length=128), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("question", sa.Text(), server_default="", nullable=False),
        sa.Column("flagged_at", bot.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "scope", "item_id", "chat_id", "user_id", name=op.f("pk_quiz_flags")
        ),
    )
    op.create_index("ix_quiz_flags_scope_chat", "quiz_flags", ["scope", "chat_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_quiz_flags_scope_chat", table_name="quiz_flags")
    op.drop_table("quiz_flags")
