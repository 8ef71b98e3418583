"""The daily ledger records each poll as it is sent (resumable posts across instances), and the
webhook one instance set for the bot.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 00:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("daily_posts") as batch:
        batch.add_column(
            sa.Column("state", sa.String(length=16), server_default="done", nullable=False)
        )
        batch.add_column(sa.Column("items", sa.Text(), nullable=True))
        batch.add_column(sa.Column("owner", sa.String(length=64), nullable=True))
    op.create_table(
        "daily_post_polls",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("slot", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("item_id", sa.String(length=128), nullable=False),
        sa.Column("poll_id", sa.String(length=64), nullable=True),
        sa.Column("sent_at", bot.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id", "local_date"],
            ["daily_posts.chat_id", "daily_posts.local_date"],
            name=op.f("fk_daily_post_polls_chat_id_daily_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("chat_id", "local_date", "slot", name=op.f("pk_daily_post_polls")),
    )
    op.create_table(
        "webhook_registrations",
        sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column("set_at", bot.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("bot_id", name=op.f("pk_webhook_registrations")),
    )


def downgrade() -> None:
    op.drop_table("webhook_registrations")
    op.drop_table("daily_post_polls")
    with op.batch_alter_table("daily_posts") as batch:
        batch.drop_column("owner")
        batch.drop_column("items")
        batch.drop_column("state")
