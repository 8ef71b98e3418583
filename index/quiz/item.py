"""The quiz item handed to the bot and the CLI: stable id, options, answer, explanation."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from index.quiz.text import normalise, trim_words

MAX_QUESTION = 300
MAX_OPTION = 100
MAX_EXPLANATION = 200


@dataclass(frozen=True, slots=True)
class QuizItem:
    """One multiple-choice question derived from one note line."""

    id: str
    kind: str  # "cloze" | "match" | "numeric"
    lang: str  # "en" | "es"
    question: str
    options: tuple[str, ...]
    answer: int  # index into options
    explanation: str
    source: str
    path: tuple[str, ...]
    chunk_id: str
    line: int

    @property
    def correct_option(self) -> str:
        return self.options[self.answer]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "lang": self.lang,
            "question": self.question,
            "options": list(self.options),
            "answer": self.answer,
            "explanation": self.explanation,
            "source": self.source,
            "path": list(self.path),
        }

    def render_text(self) -> str:
        """Plain text for a terminal: the question, numbered options, the answer and its source."""
        lines = [self.question]
        lines.extend(f"  {number}. {option}" for number, option in enumerate(self.options, 1))
        answer_word = "Respuesta" if self.lang == "es" else "Answer"
        lines.append(f"{answer_word}: {self.answer + 1}. {self.correct_option}")
        lines.append(f"  {self.explanation}")
        return "\n".join(lines)


def item_id(kind: str, line_text: str, answer: str) -> str:
    """Stable id from what the item asks, not where it sits: kind + the source line + the answer."""
    payload = "\x1f".join((kind, normalise(line_text), normalise(answer)))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def place_answer(answer: str, distractors: list[str], key: str) -> tuple[tuple[str, ...], int]:
    """Options with the answer at a position derived from ``key``: shuffled, yet stable."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    ordered = sorted(
        distractors, key=lambda option: hashlib.sha256((key + option).encode()).digest()
    )
    position = digest[0] % (len(ordered) + 1)
    ordered.insert(position, answer)
    return tuple(ordered), position


def explanation_for(line_text: str, source: str, line: int) -> str:
    """The note line, trimmed at a word boundary, then where it comes from; ≤ 200 characters."""
    suffix = f" — {source}:{line}"
    if len(suffix) > MAX_EXPLANATION // 2:
        suffix = trim_words(suffix, MAX_EXPLANATION // 2)
    return trim_words(line_text, MAX_EXPLANATION - len(suffix)) + suffix
