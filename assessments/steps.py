"""The self-assessment in short steps, one skill area each: pure functions of plain data.

A skill here is anything with an `id` and an `area` (a `Skill` with its area, or a
`SkillRef`); skills come in catalogue order, and levels as {skill id: level or None}.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

QUICK_START_SIZE = 5


@dataclass(frozen=True)
class Step:
    number: int  # from 1
    area: Any
    skills: list = field(default_factory=list)


def steps_of(skills: Sequence) -> list[Step]:
    """One step per skill area, in the order the skills come, numbered from 1."""
    grouped: dict = {}
    for skill in skills:
        grouped.setdefault(skill.area, []).append(skill)
    return [
        Step(number=number, area=area, skills=members)
        for number, (area, members) in enumerate(grouped.items(), start=1)
    ]


def step_by_skill(steps: Sequence[Step]) -> dict[int, int]:
    """{skill id: the number of the step that holds it}."""
    return {skill.id: step.number for step in steps for skill in step.skills}


def rated_count(skills: Sequence, levels: dict[int, int | None]) -> int:
    return sum(1 for skill in skills if levels.get(skill.id) is not None)


def unrated(skills: Sequence, levels: dict[int, int | None]) -> list:
    """The skills without a level yet, in the order given."""
    return [skill for skill in skills if levels.get(skill.id) is None]


def _skills(n: int) -> str:
    return "1 skill" if n == 1 else f"{n} skills"


@dataclass(frozen=True)
class Progress:
    step: int
    steps: int
    rated: int
    total: int
    step_rated: int
    step_total: int

    @property
    def percent(self) -> int:
        """Share of all skills rated, in whole percent, for the bar beside the words."""
        return round(100 * self.rated / self.total) if self.total else 0

    @property
    def text(self) -> str:
        """e.g. "Step 2 of 9 · 7 of 21 skills rated"."""
        return f"Step {self.step} of {self.steps} · {self.rated} of {self.total} skills rated"


def progress(steps: Sequence[Step], number: int, levels: dict[int, int | None]) -> Progress:
    """Where the learner is: the step, and how many skills are rated in all and in this step."""
    everything = [skill for step in steps for skill in step.skills]
    here = steps[number - 1].skills
    return Progress(
        step=number,
        steps=len(steps),
        rated=rated_count(everything, levels),
        total=len(everything),
        step_rated=rated_count(here, levels),
        step_total=len(here),
    )


def resume_step(steps: Sequence[Step], levels: dict[int, int | None]) -> int:
    """The step to continue at: the first with a skill left to rate, else the last one."""
    for step in steps:
        if unrated(step.skills, levels):
            return step.number
    return len(steps) if steps else 1


def not_rated_message(n: int) -> str:
    """ "18 skills are not rated yet", "1 skill is not rated yet"."""
    return f"{_skills(n)} {'is' if n == 1 else 'are'} not rated yet"


def quick_start_skills(
    skills: Sequence, targets: dict[int, int], *, size: int = QUICK_START_SIZE
) -> list:
    """The `size` skills the role expects most of: highest target level first, ties in
    catalogue order (the order the skills come in). Skills the role sets no level for, or a
    level of 0, are left out; the result is in catalogue order, as the steps show skills."""
    ranked = sorted(
        (
            (position, skill)
            for position, skill in enumerate(skills)
            if targets.get(skill.id, 0) > 0
        ),
        key=lambda item: (-targets[item[1].id], item[0]),
    )
    chosen = sorted(ranked[:size], key=lambda item: item[0])
    return [skill for _, skill in chosen]
