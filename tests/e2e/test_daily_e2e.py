"""Daily quizzes end to end: /daily through the real Application, the fan-out job posting through
the fake Bot API — once per chat and local day across restarts, two bot processes and DST; admins
only in groups; channels; a chat answering 403 is paused."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta

import pytest
from telegram.ext import Application, CallbackContext

from bot.db.chats import get_chat, upsert_chat
from bot.db.daily import daily_subscription, subscribe_daily
from bot.features.daily.fanout import post_due_daily_quizzes
from bot.features.daily.feature import DAILY_JOB, REMINDER_JOB
from bot.telegram.app import build_application, job_callback
from bot.telegram.sender import TelegramSender
from tests.e2e.conftest import BotHarness
from tests.e2e.test_quiz_e2e import open_quiz_services, polls_in, question_bank, start_quiz_bot
from tests.fakebot import ALICE, BOB, CAROL, NOTES_CHANNEL, STUDY_GROUP, Chat, User

__all__ = ["question_bank"]  # the session fixture, shared with the quiz tests


def pause_background_jobs(application: Application) -> None:
    """Tests drive the fan-out with explicit instants: the real-time ticks must not interfere."""
    for name in (DAILY_JOB.name, REMINDER_JOB.name):
        for job in application.job_queue.get_jobs_by_name(name):
            job.schedule_removal()


@pytest.fixture
async def daily_bot(
    fake_api, notes_searcher, question_bank, tmp_path, e2e_db_url
) -> AsyncIterator[BotHarness]:
    async for harness in start_quiz_bot(
        fake_api, notes_searcher, tmp_path / "data", question_bank, e2e_db_url
    ):
        pause_background_jobs(harness.application)
        yield harness


def next_minute(now: datetime) -> datetime:
    return (now + timedelta(minutes=1)).replace(second=0, microsecond=0)


async def fan_out(bot: BotHarness, now: datetime):
    return await post_due_daily_quizzes(bot.services, TelegramSender(bot.application.bot), now=now)


async def test_daily_set_to_the_next_minute_then_the_poll_arrives(daily_bot):
    api = daily_bot.api
    now = datetime.now(UTC)
    at = next_minute(now)
    [confirm] = await daily_bot.send_and_wait(
        api.build.command(ALICE, "daily", f"{at:%H:%M} UTC"), ALICE.id
    )
    assert f"{at:%H:%M}" in confirm["text"] and "UTC" in confirm["text"]
    await daily_bot.send_and_wait(api.build.command(ALICE, "daily", "count 2"), ALICE.id)

    early = await fan_out(daily_bot, at - timedelta(seconds=5))
    assert early.polls_sent == 0 and not polls_in(api, ALICE.id)

    report = await fan_out(daily_bot, at + timedelta(seconds=5))
    assert report.posted_chats == 1 and report.polls_sent == 2
    polls = polls_in(api, ALICE.id)
    assert len(polls) == 2 and len({p["poll"]["id"] for p in polls}) == 2
    assert all(p["poll"]["is_anonymous"] is False for p in polls)

    again = await fan_out(daily_bot, at + timedelta(minutes=30))
    assert again.polls_sent == 0 and len(polls_in(api, ALICE.id)) == 2
    tomorrow = await fan_out(daily_bot, at + timedelta(days=1))
    assert tomorrow.polls_sent == 2 and len(polls_in(api, ALICE.id)) == 4


async def test_the_scheduled_job_itself_posts_due_quizzes(daily_bot):
    api = daily_bot.api
    api.push_update(api.build.command(BOB, "help"))  # Bob has talked to the bot before
    await api.wait_for(lambda: api.messages(BOB.id), 10)
    async with daily_bot.services.db.session() as s:  # subscribed on an earlier day
        await upsert_chat(s, BOB.id, "private", None)
        await subscribe_daily(s, BOB.id, time(0, 0), "UTC", 1)
    application = daily_bot.application
    tick = job_callback(DAILY_JOB)
    job = application.job_queue.run_once(tick, when=0.01, name="test-tick")
    await api.wait_for(lambda: polls_in(api, BOB.id), 10)
    assert len(polls_in(api, BOB.id)) == 1
    await tick(CallbackContext.from_job(job, application))
    assert len(polls_in(api, BOB.id)) == 1  # already claimed today


async def test_only_group_admins_change_the_daily_quiz(daily_bot):
    api = daily_bot.api
    api.add_chat(STUDY_GROUP)
    api.set_member(STUDY_GROUP.id, ALICE, "member")
    api.set_member(STUDY_GROUP.id, BOB, "administrator")
    [refusal] = await daily_bot.send_and_wait(
        api.build.command(ALICE, "daily", "08:00 Europe/Madrid", chat=STUDY_GROUP), STUDY_GROUP.id
    )
    assert "only this group's admins" in refusal["text"]
    assert any(c.method == "getChatMember" for c in api.calls)
    async with daily_bot.services.db.session() as s:
        assert await daily_subscription(s, STUDY_GROUP.id) is None

    [shown] = await daily_bot.send_and_wait(
        api.build.command(ALICE, "daily", chat=STUDY_GROUP), STUDY_GROUP.id
    )
    assert "No daily quiz" in shown["text"]  # anyone may look

    [done] = await daily_bot.send_and_wait(
        api.build.command(BOB, "daily", "08:00 Europe/Madrid", chat=STUDY_GROUP), STUDY_GROUP.id
    )
    assert "08:00" in done["text"] and "Europe/Madrid" in done["text"]  # Bob speaks Spanish
    async with daily_bot.services.db.session() as s:
        sub = await daily_subscription(s, STUDY_GROUP.id)
    assert sub is not None and sub.post_time == time(8, 0) and sub.timezone == "Europe/Madrid"


async def test_a_channel_subscribes_with_a_channel_post(daily_bot):
    api = daily_bot.api
    api.push_update(api.build.channel_post(NOTES_CHANNEL, "/daily 09:15 Europe/Madrid"))
    await api.wait_for(
        lambda: any(
            "Daily quiz set" in m.get("text", "")
            for m in api.messages(NOTES_CHANNEL.id, include_user=True)
        ),
        10,
    )
    async with daily_bot.services.db.session() as s:
        sub = await daily_subscription(s, NOTES_CHANNEL.id)
    assert sub is not None and sub.count == 3
    report = await fan_out(daily_bot, datetime(2031, 5, 6, 8, 0, tzinfo=UTC))  # 10:00 in Madrid
    assert report.polls_sent == 3
    assert all(p["poll"]["is_anonymous"] for p in polls_in(api, NOTES_CHANNEL.id))


async def test_a_chat_that_answers_403_is_paused(daily_bot):
    api = daily_bot.api
    services = daily_bot.services
    for user in (ALICE, BOB):
        api.add_chat(Chat.private(user))
        async with services.db.session() as s:
            await upsert_chat(s, user.id, "private", None)
            await subscribe_daily(s, user.id, time(7, 0), "UTC", count=1)
    api.block_chat(ALICE.id)
    report = await fan_out(daily_bot, datetime(2031, 5, 6, 7, 1, tzinfo=UTC))
    assert report.paused == [ALICE.id] and report.polls_sent == 1
    assert len(polls_in(api, BOB.id)) == 1
    async with services.db.session() as s:
        assert (await daily_subscription(s, ALICE.id)).active is False
        assert (await get_chat(s, ALICE.id)).active is False
    attempts = len(api.calls_to("sendPoll"))
    next_day = await fan_out(daily_bot, datetime(2031, 5, 7, 7, 1, tzinfo=UTC))
    assert next_day.paused == [] and next_day.polls_sent == 1  # Bob only; Alice not retried
    assert len(api.calls_to("sendPoll")) == attempts + 1


@pytest.mark.backends("sqlite", "postgresql")
async def test_restart_does_not_post_twice_and_catches_up_a_missed_time(
    fake_api, notes_searcher, question_bank, tmp_path, e2e_db_url
):
    api = fake_api
    data_dir = tmp_path / "data"
    day = datetime(2031, 5, 6, tzinfo=UTC)
    for user in (ALICE, BOB):
        api.add_chat(Chat.private(user))

    async for bot in start_quiz_bot(api, notes_searcher, data_dir, question_bank, e2e_db_url):
        pause_background_jobs(bot.application)
        async with bot.services.db.session() as s:
            await subscribe_daily(s, ALICE.id, time(7, 0), "UTC", count=1)
            await subscribe_daily(s, BOB.id, time(12, 0), "UTC", count=1)
        report = await fan_out(bot, day.replace(hour=7, minute=0, second=30))
        assert report.polls_sent == 1  # Alice's; Bob's time has not come
        break  # stops the first Application (the generator's finally closes it)

    async for bot in start_quiz_bot(api, notes_searcher, data_dir, question_bank, e2e_db_url):
        pause_background_jobs(bot.application)
        # the bot was down at 12:00: Bob's post is caught up once, Alice's is not repeated
        report = await fan_out(bot, day.replace(hour=15))
        assert report.polls_sent == 1 and report.posted_chats == 1
        report = await fan_out(bot, day.replace(hour=16))
        assert report.polls_sent == 0
        break
    assert len(polls_in(api, ALICE.id)) == 1 and len(polls_in(api, BOB.id)) == 1


@pytest.mark.backends("sqlite", "postgresql")
async def test_two_bot_processes_on_one_database_post_once(
    fake_api, notes_searcher, question_bank, tmp_path, e2e_db_url
):
    api = fake_api
    data_dir = tmp_path / "shared"
    users = [ALICE, BOB, CAROL] + [User(5000 + i, f"Student {i}") for i in range(7)]
    first = await open_quiz_services(api, notes_searcher, data_dir, question_bank, e2e_db_url)
    second = await open_quiz_services(api, notes_searcher, data_dir, question_bank, e2e_db_url)
    async with first.db.session() as s:
        for user in users:
            api.add_chat(Chat.private(user))
            await subscribe_daily(s, user.id, time(6, 30), "Europe/Madrid", count=2)
    apps = [build_application(services.settings, services) for services in (first, second)]
    try:
        for application in apps:
            await application.initialize()
        moments = [
            datetime(2031, 5, 6, 4, 30, 5, tzinfo=UTC) + timedelta(seconds=s) for s in (0, 1, 30)
        ]
        reports = await asyncio.gather(
            *(
                post_due_daily_quizzes(services, TelegramSender(app.bot), now=moment)
                for moment in moments
                for app, services in zip(apps, (first, second), strict=True)
            )
        )
        assert sum(r.posted_chats for r in reports) == len(users)
        for user in users:
            assert len(polls_in(api, user.id)) == 2, user
    finally:
        for application in apps:
            await application.shutdown()
        await first.db.close()
        await second.db.close()


@pytest.mark.parametrize(
    ("label", "post_at", "before", "at", "repeat"),
    [
        # 2031-03-30: Madrid jumps from 02:00 to 03:00 — 02:30 never happens that night
        (
            "spring gap",
            time(2, 30),
            datetime(2031, 3, 30, 0, 59),
            datetime(2031, 3, 30, 1, 0),
            datetime(2031, 3, 30, 1, 45),
        ),
        # 2031-10-26: 02:00–03:00 happens twice — 02:30 CEST, then 02:30 CET an hour later
        (
            "autumn repeat",
            time(2, 30),
            datetime(2031, 10, 26, 0, 29),
            datetime(2031, 10, 26, 0, 30),
            datetime(2031, 10, 26, 1, 30),
        ),
    ],
)
async def test_dst_days_post_exactly_once(daily_bot, label, post_at, before, at, repeat):
    api = daily_bot.api
    api.add_chat(Chat.private(CAROL))
    async with daily_bot.services.db.session() as s:
        await subscribe_daily(s, CAROL.id, post_at, "Europe/Madrid", count=1)
    utc = {"tzinfo": UTC}
    assert (await fan_out(daily_bot, before.replace(**utc))).polls_sent == 0, label
    assert (await fan_out(daily_bot, at.replace(**utc))).polls_sent == 1, label
    assert (await fan_out(daily_bot, repeat.replace(**utc))).polls_sent == 0, label
    assert len(polls_in(api, CAROL.id)) == 1
    next_day = at + timedelta(days=1, hours=1)
    assert (await fan_out(daily_bot, next_day.replace(**utc))).polls_sent == 1, label
