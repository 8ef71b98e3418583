"""Quiz questions derived deterministically from the notes: cloze, term match and numeric items."""

from index.quiz.bank import build_question_bank, generate_quiz
from index.quiz.item import QuizItem

__all__ = ["QuizItem", "build_question_bank", "generate_quiz"]
