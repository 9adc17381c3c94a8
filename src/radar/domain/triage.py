"""The severity guide: questions whose answers lead to another question, to a severity, or to
"not an incident". Walking it is pure: the same answers always give the same outcome."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from radar.domain.errors import InvalidInput


@dataclass(frozen=True)
class Answer:
    label: str
    examples: tuple[str, ...] = ()
    next: str | None = None
    severity: str | None = None
    not_an_incident: bool = False


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    answers: tuple[Answer, ...]
    help: str = ""


@dataclass(frozen=True)
class Guide:
    start: str
    questions: tuple[Question, ...]
    _by_id: Mapping[str, Question] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", MappingProxyType({q.id: q for q in self.questions}))

    def question(self, question_id: str) -> Question:
        return self._by_id[question_id]


@dataclass(frozen=True)
class Step:
    question: Question
    answer: Answer


@dataclass(frozen=True)
class Outcome:
    """Where the answers lead. Exactly one of: a severity, not an incident, or the next question."""

    path: tuple[Step, ...]
    severity: str | None = None
    not_an_incident: bool = False
    next_question: Question | None = None

    @property
    def complete(self) -> bool:
        return self.next_question is None


def walk(guide: Guide, answers: Sequence[int]) -> Outcome:
    """Follow ``answers`` (each the index of the chosen answer) from the first question."""
    path: list[Step] = []
    question = guide.question(guide.start)
    for n, choice in enumerate(answers):
        if not 0 <= choice < len(question.answers):
            raise InvalidInput(
                f"answer {n + 1} does not exist: question {question.id!r} has "
                f"{len(question.answers)} answers",
                field=f"answers.{n}",
            )
        answer = question.answers[choice]
        path.append(Step(question, answer))
        if answer.next is None:
            if n != len(answers) - 1:
                raise InvalidInput(
                    f"the guide ended at answer {n + 1}; {len(answers) - n - 1} answer(s) too many",
                    field="answers",
                )
            return Outcome(
                tuple(path), severity=answer.severity, not_an_incident=answer.not_an_incident
            )
        question = guide.question(answer.next)
    return Outcome(tuple(path), next_question=question)
