"""Any chunk text, however odd (HTML, emoji, huge lines, numbers), never breaks the quiz."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.model import Chunk
from index.quiz import build_question_bank, generate_quiz
from index.quiz.rules import problems

_PIECES = st.sampled_from(
    [
        "GP2 - general purpose SSD volume for boot",
        "IO1 - provisioned IOPS for databases",
        "ST1: throughput optimized HDD for logs",
        "SC1 -> cold HDD, lowest cost per GB",
        "Max 10 Gbps per instance, 75% discount, 14 días, 3600 segundos",
        "<p>**Bold** text</p> with <b>tags</b> & entities &amp;",
        "🚀 emoji línea con ñ y acentos: ¿qué? ¡sí!",
        "(12:23) [DEMO] ssh -i key.pem ec2-user@1.2.3.4",
        "1 2 3 4 5 6 7 8 9 10 100 1000 10000 99.999999999%",
        "https://example.com/path?x=1",
        "Spot Instances are the most cost-efficient instances in AWS",
        "TLS (Transport Layer Security)",
        "CRR - Cross Region Replication",
        "- - - - -",
        "",
    ]
)
_LINE = st.one_of(
    _PIECES,
    st.text(min_size=0, max_size=120),
    st.text(alphabet="0123456789.,%- GBTBsdíasx", max_size=60),
    st.builds(
        lambda s, n: s * n, st.sampled_from(["word ", "9", "Amazon S3 "]), st.integers(1, 400)
    ),
)


@st.composite
def chunk_lists(draw):
    chunks = []
    start = 1
    for index in range(draw(st.integers(0, 5))):
        lines = draw(st.lists(_LINE, min_size=0, max_size=12))
        text = "\n".join(lines)
        path = tuple(draw(st.lists(st.one_of(_PIECES, st.text(max_size=30)), max_size=3)))
        chunks.append(
            Chunk(
                id=f"chunk{index}",
                source=draw(st.sampled_from(["a.txt", "b/notes.md"])),
                line_start=start,
                line_end=start + max(len(lines), 1) - 1,
                path=path,
                title=path[-1] if path else "",
                text=text,
                lang=draw(st.sampled_from(["en", "es", "fr", ""])),
            )
        )
        start += max(len(lines), 1)
    return chunks


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chunk_lists(), st.integers(-5, 30), st.integers(-(2**40), 2**40))
def test_weird_chunks_never_crash_and_items_stay_valid(chunks, count, seed):
    bank = build_question_bank(chunks)
    for item in bank:
        assert problems(item) == [], (item, problems(item))
        assert item.lang in ("en", "es")
    quiz = generate_quiz(chunks, count, seed)
    assert len(quiz) == min(max(count, 0), len(bank))
    assert generate_quiz(chunks, count, seed) == quiz
