"""Initial schema: users, chats, updates, polls, answers, cards, daily quizzes, streaks, reminders.

Revision ID: 0001
Revises:
Create Date: 2026-11-21 19:26:27.865156
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chats",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=256), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("created_at", bot.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", bot.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chats")),
    )
    op.create_table(
        "processed_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("seen_at", bot.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_processed_updates")),
    )
    with op.batch_alter_table("processed_updates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_processed_updates_seen_at"), ["seen_at"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("first_name", sa.String(length=256), server_default="", nullable=False),
        sa.Column("telegram_language", sa.String(length=16), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("reminder_time", sa.Time(), server_default=sa.text("'20:00:00'"), nullable=False),
        sa.Column("reminder_enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", bot.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", bot.db.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_table(
        "daily_posts",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("claimed_at", bot.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chats.id"], name=op.f("fk_daily_posts_chat_id_chats"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("chat_id", "local_date", name=op.f("pk_daily_posts")),
    )
    op.create_table(
        "daily_subscriptions",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("post_time", sa.Time(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), server_default=sa.text("3"), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", bot.db.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", bot.db.base.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "count BETWEEN 1 AND 10", name=op.f("ck_daily_subscriptions_count_range")
        ),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["chats.id"],
            name=op.f("fk_daily_subscriptions_chat_id_chats"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_daily_subscriptions")),
    )
    op.create_table(
        "polls",
        sa.Column("poll_id", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.String(length=128), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("correct_option", sa.Integer(), nullable=False),
        sa.Column("sent_at", bot.db.base.UTCDateTime(), nullable=False),
        sa.Column("is_daily", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chats.id"], name=op.f("fk_polls_chat_id_chats"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("poll_id", name=op.f("pk_polls")),
    )
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_polls_chat_id"), ["chat_id"], unique=False)

    op.create_table(
        "quiz_cards",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("item_id", sa.String(length=128), nullable=False),
        sa.Column("card_json", sa.Text(), nullable=False),
        sa.Column("due", bot.db.base.UTCDateTime(), nullable=False),
        sa.Column("reviews", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("lapses", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_review", bot.db.base.UTCDateTime(), nullable=True),
        sa.Column("created_at", bot.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_quiz_cards_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "item_id", name=op.f("pk_quiz_cards")),
    )
    with op.batch_alter_table("quiz_cards", schema=None) as batch_op:
        batch_op.create_index("ix_quiz_cards_user_due", ["user_id", "due"], unique=False)

    op.create_table(
        "reminders_sent",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("sent_at", bot.db.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_reminders_sent_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "local_date", name=op.f("pk_reminders_sent")),
    )
    op.create_table(
        "streaks",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("scope_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("current", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("best", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=True),
        sa.Column("freezes", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_freeze_earned", sa.Date(), nullable=True),
        sa.CheckConstraint("current >= 0 AND best >= current", name=op.f("ck_streaks_counts")),
        sa.CheckConstraint("freezes BETWEEN 0 AND 2", name=op.f("ck_streaks_freezes_range")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_streaks_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "scope_chat_id", name=op.f("pk_streaks")),
    )
    with op.batch_alter_table("streaks", schema=None) as batch_op:
        batch_op.create_index("ix_streaks_scope", ["scope_chat_id"], unique=False)

    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("poll_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("item_id", sa.String(length=128), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("answered_at", bot.db.base.UTCDateTime(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["polls.poll_id"],
            name=op.f("fk_answers_poll_id_polls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_answers_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answers")),
        sa.UniqueConstraint("poll_id", "user_id", name=op.f("uq_answers_poll_id_user_id")),
    )
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.create_index("ix_answers_chat_day", ["chat_id", "local_date"], unique=False)
        batch_op.create_index("ix_answers_user_day", ["user_id", "local_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index("ix_answers_user_day")
        batch_op.drop_index("ix_answers_chat_day")

    op.drop_table("answers")
    with op.batch_alter_table("streaks", schema=None) as batch_op:
        batch_op.drop_index("ix_streaks_scope")

    op.drop_table("streaks")
    op.drop_table("reminders_sent")
    with op.batch_alter_table("quiz_cards", schema=None) as batch_op:
        batch_op.drop_index("ix_quiz_cards_user_due")

    op.drop_table("quiz_cards")
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_polls_chat_id"))

    op.drop_table("polls")
    op.drop_table("daily_subscriptions")
    op.drop_table("daily_posts")
    op.drop_table("users")
    with op.batch_alter_table("processed_updates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processed_updates_seen_at"))

    op.drop_table("processed_updates")
    op.drop_table("chats")
