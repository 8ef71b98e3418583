"""Each chat's own notes: the uploaded files (the source of truth) and whether the shipped demo
notes stay on beside them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 22:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notebook_files",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("added_at", bot.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notebook_files")),
        sa.UniqueConstraint("chat_id", "path", name=op.f("uq_notebook_files_chat_id_path")),
    )
    op.create_table(
        "notebook_options",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("keep_demo", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("updated_at", bot.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_notebook_options")),
    )


def downgrade() -> None:
    op.drop_table("notebook_options")
    op.drop_table("notebook_files")
