"""What the pages of the stepped self-assessment and the quick start show."""

from dataclasses import dataclass, field

from django.urls import reverse

from assessments.forms import RatingsForm
from assessments.models import Assessment
from assessments.steps import (
    Step,
    not_rated_message,
    progress,
    rated_count,
    step_by_skill,
)


@dataclass(frozen=True)
class SummaryGroup:
    """The skills left to rate in one step, each with the link that jumps to it."""

    step: Step
    links: list[tuple[str, str]]  # (skill name, href)


@dataclass(frozen=True)
class ErrorSummary:
    title: str
    groups: list[SummaryGroup] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (message, href)


def step_url(assessment: Assessment, number: int) -> str:
    return reverse("assessments:step", args=[assessment.pk, number])


def skill_anchor(skill) -> str:
    """The id of the skill's first choice: a link to it moves the focus there, even without
    scripts, so that the arrow keys choose a level at once."""
    return f"id_{RatingsForm.level_name(skill)}_0"


def error_summary(
    *,
    form: RatingsForm,
    steps: list[Step] | None = None,
    current: int | None = None,
    assessment: Assessment | None = None,
    missing: list | None = None,
) -> ErrorSummary | None:
    """The box at the top of a refused page: how many skills are left to rate, with a link to
    each (to its place on this page, or to the step that holds it), and any other problem.

    `missing` are the skills left to rate across `steps` of `assessment`; without them, the
    form's own refusals for want of a level count (the quick start).
    """
    problems = [(message, f"#{anchor}" if anchor else "") for message, anchor in form.problems()]
    if missing is None:
        missing = form.missing_levels()
        steps = [Step(number=0, area=None, skills=list(missing))] if missing else []
    groups = []
    if missing:
        where = step_by_skill(steps)
        missing_ids = {skill.id for skill in missing}
        for step in steps:
            links = [
                (
                    skill.name,
                    (
                        ""
                        if step.number in (0, current) or assessment is None
                        else step_url(assessment, step.number)
                    )
                    + f"#{skill_anchor(skill)}",
                )
                for skill in step.skills
                if skill.id in missing_ids and where.get(skill.id) == step.number
            ]
            if links:
                groups.append(SummaryGroup(step=step, links=links))
    if missing:
        title = not_rated_message(len(missing))
    elif problems:
        title = (
            "1 answer needs attention"
            if len(problems) == 1
            else (f"{len(problems)} answers need attention")
        )
    else:
        return None
    return ErrorSummary(title=title, groups=groups, problems=problems)


def step_page(
    *,
    assessment: Assessment,
    steps: list[Step],
    number: int,
    form: RatingsForm,
    levels: dict[int, int | None],
    summary: ErrorSummary | None = None,
) -> dict:
    """The context of one step: its skills' fields, where the learner is, and every step with
    how many of its skills are rated (to jump to any of them)."""
    step = steps[number - 1]
    return {
        "assessment": assessment,
        "step": step,
        "steps": steps,
        "progress": progress(steps, number, levels),
        "form": form,
        "is_first": number == 1,
        "is_last": number == len(steps),
        "step_list": [
            (other, rated_count(other.skills, levels), len(other.skills)) for other in steps
        ],
        "summary": summary,
    }


def missing_skills(steps: list[Step], missing_ids: list[int]) -> list:
    """The skill objects of `missing_ids`, in step order."""
    wanted = set(missing_ids)
    return [skill for step in steps for skill in step.skills if skill.id in wanted]
