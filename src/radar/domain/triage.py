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
            offered = " or ".join(f"{i} ({a.label!r})" for i, a in enumerate(question.answers))
            raise InvalidInput(
                f"{choice} is not an answer to question {question.id!r}; give {offered}",
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


def asked(guide: Guide) -> tuple[Question, ...]:
    """The questions in the order the guide asks them: from the first, each question before
    those its answers lead to, in the order of the answers (breadth first). A question no
    answer leads to is never asked and is left out."""
    order = [guide.question(guide.start)]
    seen = {guide.start}
    for question in order:  # grows while it is walked
        for answer in question.answers:
            if answer.next is not None and answer.next not in seen:
                seen.add(answer.next)
                order.append(guide.question(answer.next))
    return tuple(order)


def still_to_ask(guide: Guide, question_id: str) -> tuple[int, int]:
    """The fewest and the most questions from this one to an outcome, itself included."""
    memo: dict[str, tuple[int, int]] = {}

    def count(qid: str, trail: frozenset[str]) -> tuple[int, int]:
        if qid not in memo:
            onward = [
                count(a.next, trail | {qid}) if a.next is not None else (0, 0)
                for a in guide.question(qid).answers
                if a.next not in trail  # a loop (the policy file refuses them) ends here
            ] or [(0, 0)]
            memo[qid] = (1 + min(lo for lo, _ in onward), 1 + max(hi for _, hi in onward))
        return memo[qid]

    return count(question_id, frozenset())


def not_an_incident_at(guide: Guide) -> int | None:
    """Where the guide first offers "not an incident": the index, in the order it asks them
    (``asked``), of the first question with such an answer; ``None`` when none has one."""
    for n, question in enumerate(asked(guide)):
        if any(a.not_an_incident for a in question.answers):
            return n
    return None


def where_test_is_asked(guide: Guide | None) -> str:
    """Where the guide asks whether it is an incident at all, in the words of the process page
    and ``radar policy show``: ``The severity guide asks it last, at question 4.``"""
    at = not_an_incident_at(guide) if guide else None
    if guide is None or at is None:
        return ""
    count = len(asked(guide))
    if at == 0:
        return "The severity guide asks it first."
    if at == count - 1:
        return f"The severity guide asks it last, at question {count}."
    return f"The severity guide asks it at question {at + 1} of {count}."
