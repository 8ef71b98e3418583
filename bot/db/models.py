"""Every table of Studybot's state, declared once with SQLAlchemy typed mappings."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Time,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, UTCDateTime, utcnow

GLOBAL_SCOPE = 0
"""``streaks.scope_chat_id`` for the student's own streak (Telegram never uses chat id 0)."""

DEFAULT_REMINDER_TIME = time(20, 0)


class User(Base):
    """A Telegram user who talked to the bot; ``id`` is the Telegram user id."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(String(256), default="", server_default="")
    telegram_language: Mapped[str | None] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(8))  # explicit /lang choice
    timezone: Mapped[str | None] = mapped_column(String(64))  # explicit /timezone choice (IANA)
    reminder_time: Mapped[time] = mapped_column(
        Time, default=DEFAULT_REMINDER_TIME, server_default=text("'20:00:00'")
    )
    reminder_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Chat(Base):
    """A chat the bot is (or was) in: private, group, supergroup or channel."""

    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    timezone: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class InboxUpdate(Base):
    """An update as Telegram sent it (raw JSON), stored before Telegram was told it arrived:
    ``pending`` until handled (``claimed_at`` is the lease of the instance handling it),
    ``done`` once handled, ``dead`` when set aside after failing (``last_error`` says why).
    ``replies_sent``: how many of its replies went out, so a replay does not repeat them."""

    __tablename__ = "inbox_updates"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(String(8), default="pending", server_default="pending")
    payload: Mapped[str] = mapped_column(Text, default="", server_default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    replies_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_inbox_updates_state_claimed_at", "state", "claimed_at"),
        Index("ix_inbox_updates_received_at", "received_at"),
    )


class QuizCard(Base):
    """One student's spaced-repetition state for one quiz item (an fsrs card as JSON)."""

    __tablename__ = "quiz_cards"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    card_json: Mapped[str] = mapped_column(Text)
    due: Mapped[datetime] = mapped_column(UTCDateTime)
    reviews: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    lapses: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_review: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_quiz_cards_user_due", "user_id", "due"),)


class PollSent(Base):
    """A quiz poll the bot posted: which item, where, and which option is right."""

    __tablename__ = "polls"

    poll_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(128))
    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), index=True
    )
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    correct_option: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    is_daily: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Answer(Base):
    """One student's answer to one poll; a second delivery of the same answer is not a new row."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    poll_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("polls.poll_id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(128))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    local_date: Mapped[date] = mapped_column(Date)  # the day in the student's zone

    __table_args__ = (
        UniqueConstraint("poll_id", "user_id"),
        Index("ix_answers_user_day", "user_id", "local_date"),
        Index("ix_answers_chat_day", "chat_id", "local_date"),
    )


class DailySubscription(Base):
    """A chat's daily quiz: when (local HH:MM in an IANA zone), how many questions, paused?"""

    __tablename__ = "daily_subscriptions"

    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), primary_key=True
    )
    post_time: Mapped[time] = mapped_column(Time)
    timezone: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer, default=3, server_default=text("3"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # first local day it may post (None: at once); a time already past when set starts tomorrow
    starts_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (CheckConstraint("count BETWEEN 1 AND 10", name="count_range"),)


class DailyPost(Base):
    """Ledger of daily posts, claimed before sending: one post per chat per local day.

    ``state`` is ``sending`` while an instance holds it (``claimed_at`` is renewed by each poll
    recorded: older than the lease, the holder is gone), ``released`` when an instance stopping
    gave it back, ``done`` when every planned poll was recorded. ``items`` is the plan: the
    quiz item ids chosen at the claim, as JSON, one per slot."""

    __tablename__ = "daily_posts"

    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("chats.id", ondelete="CASCADE"), primary_key=True
    )
    local_date: Mapped[date] = mapped_column(Date, primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[str] = mapped_column(String(16), default="done", server_default="done")
    items: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(64))


class DailyPostPoll(Base):
    """One poll of a daily post, recorded the moment it was sent (slot = its place in the plan):
    a resumed post sends only the slots not recorded here."""

    __tablename__ = "daily_post_polls"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    local_date: Mapped[date] = mapped_column(Date, primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    item_id: Mapped[str] = mapped_column(String(128))
    poll_id: Mapped[str | None] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        ForeignKeyConstraint(
            ["chat_id", "local_date"],
            ["daily_posts.chat_id", "daily_posts.local_date"],
            ondelete="CASCADE",
        ),
    )


class WebhookRegistration(Base):
    """The webhook one instance set for this bot (URL and a digest of its secret), so other
    instances starting behind the same address leave it alone."""

    __tablename__ = "webhook_registrations"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    url: Mapped[str] = mapped_column(Text)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Streak(Base):
    """Consecutive local days with an answer, per student and scope (global or a group)."""

    __tablename__ = "streaks"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    scope_chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # 0 = global
    current: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    best: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_day: Mapped[date | None] = mapped_column(Date)
    freezes: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_freeze_earned: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint("freezes BETWEEN 0 AND 2", name="freezes_range"),
        CheckConstraint("current >= 0 AND best >= current", name="counts"),
        Index("ix_streaks_scope", "scope_chat_id"),
    )


class ReminderSent(Base):
    """Ledger of evening reminders: at most one per student per local day."""

    __tablename__ = "reminders_sent"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    local_date: Mapped[date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SavedSearch(Base):
    """A query behind search buttons (◀ ▶, "did you mean"), under the key the buttons carry, so
    they keep working after a restart or in another bot process; pruned when long unused."""

    __tablename__ = "saved_searches"

    key: Mapped[str] = mapped_column(String(16), primary_key=True)  # SearchMemory.key_for(query)
    query: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class NotebookFile(Base):
    """One file of a chat's own notes, as uploaded: the source of truth its index is built from.

    ``path`` is the file's place inside the chat's notes (a zip's sub-folders kept)."""

    __tablename__ = "notebook_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    path: Mapped[str] = mapped_column(String(512))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("chat_id", "path"),)


class NotebookOptions(Base):
    """A chat's choices about its notes: whether the shipped demo notes stay on beside them."""

    __tablename__ = "notebook_options"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    keep_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class QuizFlag(Base):
    """One student's "👎 Bad question" on one quiz item, pressed in one chat. ``scope`` names the
    notes the item came from ("demo", or "chat<id>" for a chat's own notes) and ``item_id`` is the
    item's stable id (derived from its note line), so flags outlive index rebuilds."""

    __tablename__ = "quiz_flags"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    question: Mapped[str] = mapped_column(Text, default="", server_default="")
    flagged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (Index("ix_quiz_flags_scope_chat", "scope", "chat_id"),)
