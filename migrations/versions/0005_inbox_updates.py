"""The durable inbox: every update stored (raw JSON, keyed by bot id and update id, with its
state, attempts, lease and last error) before Telegram is told it arrived; it replaces
``processed_updates`` (keyed by update id alone) as the exactly-once claim.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 00:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox_updates",
        sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("state", sa.String(length=8), server_default="pending", nullable=False),
        sa.Column("payload", sa.Text(), server_default="", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("replies_sent", sa.Integer(), server_default="0", nullable=False),
        sa.Column("claimed_at", bot.db.base.UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("received_at", bot.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("bot_id", "update_id", name=op.f("pk_inbox_updates")),
    )
    op.create_index("ix_inbox_updates_state_claimed_at", "inbox_updates", ["state", "claimed_at"])
    op.create_index("ix_inbox_updates_received_at", "inbox_updates", ["received_at"])
    # the old claims only said "seen": ids handled before the upgrade are not redelivered by
    # Telegram once confirmed, so nothing of them needs carrying over
    op.drop_index(op.f("ix_processed_updates_seen_at"), table_name="processed_updates")
    op.drop_table("processed_updates")


def downgrade() -> None:
    op.create_table(
        "processed_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("seen_at", bot.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_processed_updates")),
    )
    op.create_index(
        op.f("ix_processed_updates_seen_at"), "processed_updates", ["seen_at"], unique=False
    )
    op.execute(
        "INSERT INTO processed_updates (update_id, seen_at)"
        " SELECT update_id, MAX(received_at) FROM inbox_updates GROUP BY update_id"
    )
    op.drop_index("ix_inbox_updates_received_at", table_name="inbox_updates")
    op.drop_index("ix_inbox_updates_state_claimed_at", table_name="inbox_updates")
    op.drop_table("inbox_updates")
