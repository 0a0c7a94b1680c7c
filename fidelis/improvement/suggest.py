"""The items a plan could work on, each with its reasons, from a finalised review.

The group chooses; Fidelis only puts forward the candidates the review points to: the
lowest scores, the largest gaps to the top score, and the items where one more criterion
met would raise the score (the scoring engine's "what would raise this item" sentence).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fidelis.reviews.report import build_report

#: How many of the lowest-scoring items count as "among the lowest".
LOWEST = 5


@dataclass
class Candidate:
    number: int
    title: str
    section: str
    score: int
    max_score: int
    next_step: str | None
    one_more: bool
    not_met: list[str]  # criterion letters not yet met: what the goal could aim at
    reasons: list[str] = field(default_factory=list)
    suggested: bool = False  # shown ticked: among the lowest, or one criterion away

    @property
    def target(self) -> int:
        return min(self.score + 1, self.max_score)


def candidates(review) -> list[Candidate]:
    """Every item below the top score, the strongest candidates first."""
    report = build_report(review)
    scored = [i for i in report.items if i.score is not None and i.score < i.max_score]
    lowest_scores = sorted({i.score for i in scored})[:2]
    by_score = sorted(scored, key=lambda i: (i.score, i.number))
    lowest = {i.number for i in by_score[:LOWEST]}
    widest = max((i.max_score - i.score for i in scored), default=0)
    found = []
    for line in scored:
        candidate = Candidate(
            number=line.number,
            title=line.title,
            section=line.section_title,
            score=line.score,
            max_score=line.max_score,
            next_step=line.next_step,
            one_more=line.one_more,
            not_met=[c.letter for c in line.criteria if c.decision != "met"],
        )
        if line.number in lowest and line.score in lowest_scores:
            candidate.reasons.append(f"Among the lowest scores in the review ({line.score}).")
        gap = line.max_score - line.score
        if gap == widest and gap > 1:
            candidate.reasons.append(f"{gap} below the top score, the widest gap.")
        if line.one_more:
            candidate.reasons.append(
                "One more criterion met would raise it"
                + (f": {line.next_step}" if line.next_step else ".")
            )
        candidate.suggested = bool(candidate.reasons)
        found.append(candidate)
    found.sort(key=lambda c: (not c.suggested, c.score, -len(c.reasons), c.number))
    return found


def with_priorities(found: list[Candidate], priorities: dict[int, str]) -> list[Candidate]:
    """The candidates with the team's chosen priorities first, each ticked and saying why
    (priorities are {item number: reason}, from the scoping day)."""
    for candidate in found:
        reason = priorities.get(candidate.number)
        if reason:
            candidate.reasons.insert(0, reason)
            candidate.suggested = True
    return sorted(found, key=lambda c: c.number not in priorities)
