"""The daily ledger across instances, end to end through the fake Bot API: a fan-out cut short
after k polls (an instance dying mid-chat) is resumed by another instance with exactly the
remaining polls; an instance stopping releases the chats it has not started, and the next tick
takes them at once; each poll is recorded the moment it is sent."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time

import pytest
from sqlalchemy import func, select

from bot.core.ports import Sender, SentPoll, Target
from bot.core.replies import Poll
from bot.core.services import AppServices
from bot.db.daily import subscribe_daily
from bot.db.models import DailyPost, DailyPostPoll, PollSent
from bot.features.daily.fanout import post_due_daily_quizzes
from bot.telegram.app import build_application
from bot.telegram.sender import TelegramSender
from tests.e2e.test_quiz_e2e import open_quiz_services, polls_in, question_bank
from tests.fakebot import Chat, User

__all__ = ["question_bank"]

STUDENTS = [User(7000 + i, f"Learner {i}") for i in range(6)]
COUNT = 3
MOMENT = datetime(2031, 5, 6, 8, 0, 30, tzinfo=UTC)


class Crash(Exception):
    """The instance 'dies': no more sends, nothing cleaned up."""


class DyingSender:
    """A sender that stops working after ``limit`` polls (a kill -9 between two sends)."""

    audience = None

    def __init__(self, inner: Sender, limit: int) -> None:
        self.inner, self.limit, self.sent = inner, limit, 0

    async def send(self, target: Target, items) -> None:  # pragma: no cover - polls only
        await self.inner.send(target, items)

    async def send_poll(self, target: Target, poll: Poll) -> SentPoll | None:
        if self.sent >= self.limit:
            raise Crash
        self.sent += 1
        return await self.inner.send_poll(target, poll)


class StoppingSender(DyingSender):
    """After ``limit`` polls the instance is told to stop (SIGTERM), as Application.stop does."""

    def __init__(self, inner: Sender, limit: int, services: AppServices) -> None:
        super().__init__(inner, limit)
        self.services = services

    async def send_poll(self, target: Target, poll: Poll) -> SentPoll | None:
        receipt = await self.inner.send_poll(target, poll)
        self.sent += 1
        if self.sent >= self.limit:
            self.services.stopping.set()
        return receipt


@pytest.fixture
async def two_instances(
    fake_api, notes_searcher, question_bank, tmp_path, e2e_db_url
) -> AsyncIterator[tuple[AppServices, AppServices, list]]:
    data_dir = tmp_path / "shared"
    pair = [
        await open_quiz_services(fake_api, notes_searcher, data_dir, question_bank, e2e_db_url)
        for _ in range(2)
    ]
    for services in pair:
        services.settings = services.settings.model_copy(update={"daily_lease_seconds": 0.5})
    async with pair[0].db.session() as s:
        for user in STUDENTS:
            fake_api.add_chat(Chat.private(user))
            await subscribe_daily(s, user.id, time(8, 0), "UTC", count=COUNT)
    apps = [build_application(services.settings, services) for services in pair]
    try:
        for application in apps:
            await application.initialize()
        yield pair[0], pair[1], apps
    finally:
        for application in apps:
            await application.shutdown()
        for services in pair:
            await services.db.close()


def _items_per_chat(api) -> dict[int, list[str]]:
    return {u.id: [m["poll"]["question"] for m in polls_in(api, u.id)] for u in STUDENTS}


async def _ledger_counts(services: AppServices) -> tuple[int, int, int]:
    async with services.db.session() as s:
        slots = await s.scalar(select(func.count()).select_from(DailyPostPoll))
        polls = await s.scalar(
            select(func.count()).select_from(PollSent).where(PollSent.is_daily.is_(True))
        )
        done = await s.scalar(
            select(func.count()).select_from(DailyPost).where(DailyPost.state == "done")
        )
    return slots or 0, polls or 0, done or 0


@pytest.mark.backends("sqlite", "postgresql")
@pytest.mark.parametrize("k", [1, 4, 10])
async def test_fanout_cut_after_k_polls_is_resumed_with_exactly_the_remaining_polls(
    fake_api, two_instances, k
):
    first, second, (app1, app2) = two_instances
    dying = DyingSender(TelegramSender(app1.bot), limit=k)
    report = await post_due_daily_quizzes(first, dying, now=MOMENT, concurrency=2, batch=2)
    assert dying.sent == k and report.polls_sent == k
    slots, polls, _ = await _ledger_counts(first)
    assert slots == k and polls == k  # every poll sent was recorded at once, none more

    # the other instance's tick before the lease ran out takes nothing over
    early = await post_due_daily_quizzes(second, TelegramSender(app2.bot), now=MOMENT)
    assert early.resumed == 0 and early.polls_sent == 0
    await asyncio.sleep(0.7)  # the dead instance's lease runs out
    later = await post_due_daily_quizzes(second, TelegramSender(app2.bot), now=MOMENT)
    assert later.polls_sent == len(STUDENTS) * COUNT - k

    per_chat = _items_per_chat(fake_api)
    assert all(len(q) == COUNT and len(set(q)) == COUNT for q in per_chat.values()), per_chat
    slots, polls, done = await _ledger_counts(first)
    assert (slots, polls, done) == (len(STUDENTS) * COUNT,) * 2 + (len(STUDENTS),)
    again = await post_due_daily_quizzes(first, TelegramSender(app1.bot), now=MOMENT)
    assert again.polls_sent == 0 and again.resumed == 0


@pytest.mark.backends("sqlite", "postgresql")
async def test_stopping_instance_releases_unstarted_chats_and_the_next_tick_takes_them(
    fake_api, two_instances
):
    first, second, (app1, app2) = two_instances
    stopping = StoppingSender(TelegramSender(app1.bot), 2, first)
    report = await post_due_daily_quizzes(first, stopping, now=MOMENT, concurrency=2, batch=2)
    # the poll of the other chat already in flight when the stop came is finished, not cut
    assert report.released >= 1 and 2 <= report.polls_sent <= 3
    async with first.db.session() as s:
        states = Counter((await s.scalars(select(DailyPost.state))).all())
    assert states["released"] == report.released and "sending" not in states

    # no lease to wait for: the other instance resumes at once
    later = await post_due_daily_quizzes(second, TelegramSender(app2.bot), now=MOMENT)
    assert later.resumed >= report.released
    assert later.polls_sent == len(STUDENTS) * COUNT - report.polls_sent
    counts = Counter(len(q) for q in _items_per_chat(fake_api).values())
    assert counts == Counter({COUNT: len(STUDENTS)})


@pytest.mark.backends("sqlite", "postgresql")
async def test_two_instances_ticking_together_post_each_chat_once(fake_api, two_instances):
    first, second, (app1, app2) = two_instances
    reports = await asyncio.gather(
        post_due_daily_quizzes(first, TelegramSender(app1.bot), now=MOMENT, batch=2),
        post_due_daily_quizzes(second, TelegramSender(app2.bot), now=MOMENT, batch=2),
    )
    assert sum(r.polls_sent for r in reports) == len(STUDENTS) * COUNT
    assert all(len(q) == COUNT for q in _items_per_chat(fake_api).values())


class SlowSender:
    """Each poll takes a while to go out, so a stop arrives in the middle of the fan-out."""

    audience = None

    def __init__(self, inner: Sender) -> None:
        self.inner = inner

    async def send(self, target: Target, items) -> None:  # pragma: no cover - polls only
        await self.inner.send(target, items)

    async def send_poll(self, target: Target, poll: Poll) -> SentPoll | None:
        await asyncio.sleep(0.15)
        return await self.inner.send_poll(target, poll)


@pytest.mark.backends("sqlite", "postgresql")
async def test_application_stop_releases_the_daily_claims_it_has_not_acted_on(
    fake_api, two_instances
):
    first, second, (app1, app2) = two_instances
    await app1.start()
    fanout = asyncio.create_task(
        post_due_daily_quizzes(
            first, SlowSender(TelegramSender(app1.bot)), now=MOMENT, concurrency=2, batch=2
        )
    )
    await asyncio.sleep(0.4)
    await app1.stop()  # what SIGTERM does in run_polling / run_webhook
    report = await fanout
    assert first.stopping.is_set()
    assert report.released >= 1 and 0 < report.polls_sent < len(STUDENTS) * COUNT
    later = await post_due_daily_quizzes(second, TelegramSender(app2.bot), now=MOMENT)
    assert report.polls_sent + later.polls_sent == len(STUDENTS) * COUNT
    assert all(len(q) == COUNT for q in _items_per_chat(fake_api).values())


class QueueingSender(SlowSender):
    """One poll at a time, like sends queued behind the rate limiter."""

    def __init__(self, inner: Sender) -> None:
        super().__init__(inner)
        self.turn = asyncio.Lock()

    async def send_poll(self, target: Target, poll: Poll) -> SentPoll | None:
        async with self.turn:
            return await super().send_poll(target, poll)


@pytest.mark.backends("sqlite", "postgresql")
async def test_chats_waiting_behind_the_rate_limiter_longer_than_the_lease_are_not_taken_over(
    fake_api, two_instances
):
    first, second, (app1, app2) = two_instances
    queued = QueueingSender(TelegramSender(app1.bot))  # 18 polls × 0.15 s: 2.7 s, lease 0.5 s
    fanout = asyncio.create_task(post_due_daily_quizzes(first, queued, now=MOMENT))
    await asyncio.sleep(1.2)
    meanwhile = await post_due_daily_quizzes(second, TelegramSender(app2.bot), now=MOMENT)
    assert meanwhile.resumed == 0 and meanwhile.polls_sent == 0
    report = await fanout
    assert report.polls_sent == len(STUDENTS) * COUNT
    assert all(len(q) == COUNT for q in _items_per_chat(fake_api).values())
