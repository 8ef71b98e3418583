"""Daily subscriptions get a first day: a time already past when it is set starts tomorrow.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 20:25:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("daily_subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("starts_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("daily_subscriptions", schema=None) as batch_op:
        batch_op.drop_column("starts_on")
