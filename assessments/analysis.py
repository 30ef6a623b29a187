"""Gaps, calibration, readiness and the interview plan: pure functions of plain data.

Levels and grades share one 0–4 scale (the rubric levels and the answer anchors), so a
self-rating can be compared with what the answers show.
"""

import math
from dataclasses import dataclass, field

CALIBRATION_MIN_ANSWERS = 3
CALIBRATION_RECENT_ANSWERS = 10
CALIBRATION_FLAG_DISTANCE = 1.0
QUESTIONS_PER_SESSION = 5


@dataclass(frozen=True)
class SkillRef:
    id: int
    name: str
    slug: str
    area: str = ""
    order: tuple = ()


@dataclass(frozen=True)
class GapRow:
    skill: SkillRef
    current: int | None
    target: int

    @property
    def gap(self) -> int | None:
        """Levels still to climb; a skill already at or above target has no gap. None for a
        skill not rated: its gap is unknown, not the whole target."""
        if self.current is None:
            return None
        return max(self.target - self.current, 0)

    @property
    def open(self) -> bool:
        """Rated, and below the target."""
        return self.gap is not None and self.gap > 0

    @property
    def rated(self) -> bool:
        return self.current is not None


def gap_table(
    *, skills: list[SkillRef], current: dict[int, int], targets: dict[int, int]
) -> list[GapRow]:
    """Every skill the target role sets a level for, largest gap first.

    A skill not rated (a quick start rates only a few) has no gap to rank: it comes after the
    rated ones, highest target first, and says it is not rated rather than counting as level 0.
    Ties go to the higher target (it matters more for the role), then to the catalogue order,
    so the ranking is stable.
    """
    rows = [
        GapRow(skill=skill, current=current.get(skill.id), target=targets[skill.id])
        for skill in skills
        if skill.id in targets
    ]
    return sorted(
        rows,
        key=lambda row: (
            not row.rated,
            -(row.gap or 0),
            -row.target,
            row.skill.order,
            row.skill.name,
        ),
    )


@dataclass(frozen=True)
class TargetReadiness:
    """How much of a role's target the latest self-assessment reaches, as one number."""

    levels_met: int  # each skill counts up to its target level
    levels_total: int  # the sum of the role's target levels
    skills_met: int  # skills rated at or above their target
    skills_total: int

    @property
    def percent(self) -> int:
        return round(100 * self.levels_met / self.levels_total)


def target_readiness(gaps: list[GapRow]) -> TargetReadiness | None:
    """Readiness for the target role: the share of its target levels that the self-ratings
    reach. A skill counts up to its target (going beyond earns nothing extra), an unrated
    skill counts 0. None when the role sets no level above 0, as there is nothing to reach."""
    levels_total = sum(row.target for row in gaps)
    if levels_total <= 0:
        return None
    return TargetReadiness(
        levels_met=sum(min(row.current or 0, row.target) for row in gaps),
        levels_total=levels_total,
        skills_met=sum(1 for row in gaps if row.gap == 0),
        skills_total=len(gaps),
    )


@dataclass(frozen=True)
class Calibration:
    skill: SkillRef
    self_level: int | None
    answers: int
    mean_grade: float | None
    mean_ticked: float | None  # share of key points the learner ticked, 0 to 1
    verdict: str  # "over", "under", "consistent", "too-little-data" or "not-rated"
    message: str

    @property
    def flagged(self) -> bool:
        return self.verdict in ("over", "under")

    @property
    def distance(self) -> float | None:
        if self.self_level is None or self.mean_grade is None:
            return None
        return self.self_level - self.mean_grade


def _answers(n: int) -> str:
    return f"{n} answer" if n == 1 else f"{n} answers"


def calibrate(
    *,
    skill: SkillRef,
    self_level: int | None,
    grades: list[int],
    ticked: list[float],
    min_answers: int = CALIBRATION_MIN_ANSWERS,
) -> Calibration:
    """Compare a self-rating with the grades of the user's recent answers on that skill, and
    give the mean share of key points they ticked in them (`ticked`, each 0 to 1).

    Flags a skill when the rating and the mean grade are a whole level or more apart. With
    fewer than `min_answers` graded answers it says so instead of guessing.
    """
    n = len(grades)
    mean_grade = sum(grades) / n if n else None
    mean_ticked = sum(ticked) / len(ticked) if ticked else None
    if self_level is None:
        verdict, message = "not-rated", "Not rated yet: rate this skill in a self-assessment."
    elif n < min_answers:
        verdict = "too-little-data"
        message = (
            f"Only {_answers(n)} graded so far; answer at least {min_answers} questions on this "
            "skill to compare with your rating."
        )
    else:
        average = f"your last {_answers(n)} average {mean_grade:.1f}"
        if self_level - mean_grade >= CALIBRATION_FLAG_DISTANCE:
            verdict = "over"
            message = f"Rated {self_level}, but {average}: you may be over-confident here."
        elif mean_grade - self_level >= CALIBRATION_FLAG_DISTANCE:
            verdict = "under"
            message = f"Rated {self_level}, yet {average}: you may know more than you think."
        else:
            verdict = "consistent"
            message = f"Rated {self_level}, and {average}: your rating matches your answers."
    return Calibration(
        skill=skill,
        self_level=self_level,
        answers=n,
        mean_grade=mean_grade,
        mean_ticked=mean_ticked,
        verdict=verdict,
        message=message,
    )


def calibrate_all(
    *,
    skills: list[SkillRef],
    levels: dict[int, int],
    answers: dict[int, tuple[list[int], list[float]]],
) -> list[Calibration]:
    """`calibrate` for every skill, from self-ratings and {skill id: (grades, ticked shares)}."""
    return [
        calibrate(
            skill=skill,
            self_level=levels.get(skill.id),
            grades=answers.get(skill.id, ([], []))[0],
            ticked=answers.get(skill.id, ([], []))[1],
        )
        for skill in skills
    ]


def by_disagreement(calibrations: list[Calibration]) -> list[Calibration]:
    """The flagged skills, those whose rating and answers lie furthest apart first (ties in
    catalogue order)."""
    flagged = [c for c in calibrations if c.flagged]
    return sorted(flagged, key=lambda c: -abs(c.distance or 0))


def calibration_gap(calibrations: list[Calibration]) -> float | None:
    """Mean absolute distance between rating and grades over skills with enough data."""
    distances = [
        abs(c.distance)
        for c in calibrations
        if c.distance is not None and c.answers >= CALIBRATION_MIN_ANSWERS
    ]
    return sum(distances) / len(distances) if distances else None


def calibration_trend(gaps: list[float | None]) -> str:
    """Plain words on whether the disagreement is shrinking, from oldest to newest snapshot."""
    known = [gap for gap in gaps if gap is not None]
    if len(known) < 2:
        return (
            "Take another self-assessment after more practice to see how your calibration changes."
        )
    first, last = known[0], known[-1]
    if last < first - 0.1:
        return (
            "Your ratings and your answers agree more than before: the gap fell from "
            f"{first:.1f} to {last:.1f} levels."
        )
    if last > first + 0.1:
        return (
            "Your ratings and your answers agree less than before: the gap grew from "
            f"{first:.1f} to {last:.1f} levels."
        )
    return f"Your calibration is steady at about {last:.1f} levels apart."


def _grade_figure(value: float) -> str:
    """A mean grade as the pages write it: 4, or 3.5 when it is not whole."""
    return f"{value:.1f}".removesuffix(".0")


@dataclass(frozen=True)
class JudgeComparison:
    """The learner's own grades beside the AI judge's suggestions on the same answers."""

    answers: int
    own: float
    judge: float
    verdict: str  # "generous", "harsh", "agree" or "too-little-data"
    message: str

    @property
    def own_figure(self) -> str:
        return _grade_figure(self.own)

    @property
    def judge_figure(self) -> str:
        return _grade_figure(self.judge)


def compare_with_judge(
    pairs: list[tuple[int, int]], *, min_answers: int = CALIBRATION_MIN_ANSWERS
) -> JudgeComparison | None:
    """Compare the learner's grades with the AI judge's on the answers it reviewed.

    `pairs` holds (the learner's grade, the judge's suggested grade) per answer; None when
    there is none, so the pages say nothing about a judge that never saw an answer. The
    learner's grade stays the one that counts: this only says which way the two lean, and
    only from `min_answers` answers on, where one odd verdict cannot decide it.
    """
    if not pairs:
        return None
    n = len(pairs)
    own = sum(grade for grade, _ in pairs) / n
    judge = sum(suggested for _, suggested in pairs) / n
    figures = f"You graded {_grade_figure(own)}, the AI judge {_grade_figure(judge)}"
    if n == 1:
        said = f"{figures}, on the one answer it reviewed."
    else:
        said = f"{figures}, on average over the {n} answers it reviewed"
    if n < min_answers:
        verdict = "too-little-data"
        message = said if n == 1 else f"{said}."
    elif own - judge >= CALIBRATION_FLAG_DISTANCE:
        verdict = "generous"
        message = f"{said}: you may be grading yourself generously."
    elif judge - own >= CALIBRATION_FLAG_DISTANCE:
        verdict = "harsh"
        message = f"{said}: you may be grading yourself harshly."
    else:
        verdict = "agree"
        message = f"{said}: you and the judge mostly agree."
    return JudgeComparison(answers=n, own=own, judge=judge, verdict=verdict, message=message)


def compare_with_judge_by_skill(
    judged: dict[int, list[tuple[int, int]]],
) -> dict[int, JudgeComparison]:
    """`compare_with_judge` for each skill with answers the judge reviewed."""
    return {skill_id: compare_with_judge(pairs) for skill_id, pairs in judged.items() if pairs}


@dataclass(frozen=True)
class Readiness:
    """Three signals for one skill, each on the 0–4 scale where it can be, against the target."""

    skill: SkillRef
    target: int | None
    self_level: int | None
    demonstrated: float | None
    memory: float | None  # mean recall probability today, 0 to 1
    ticked: float | None  # mean share of key points ticked in the graded answers, 0 to 1
    practised_questions: int
    total_questions: int

    @property
    def memory_level(self) -> float | None:
        """Memory on the 0–4 scale so that it can share an axis with the other two."""
        return None if self.memory is None else self.memory * 4


def readiness(
    *,
    skills: list[SkillRef],
    targets: dict[int, int],
    self_levels: dict[int, int],
    demonstrated: dict[int, float],
    memory: dict[int, list[float]],
    question_counts: dict[int, int],
    ticked: dict[int, float] | None = None,
) -> list[Readiness]:
    """Per skill: self-rating, mean demonstrated grade (with the mean share of key points
    ticked, `ticked`, beside it), mean retrievability of its practised questions, against the
    target. A signal without data is None, never a guess."""
    ticked = ticked or {}
    rows = []
    for skill in skills:
        recalls = memory.get(skill.id, [])
        rows.append(
            Readiness(
                skill=skill,
                target=targets.get(skill.id),
                self_level=self_levels.get(skill.id),
                demonstrated=demonstrated.get(skill.id),
                memory=sum(recalls) / len(recalls) if recalls else None,
                ticked=ticked.get(skill.id),
                practised_questions=len(recalls),
                total_questions=question_counts.get(skill.id, 0),
            )
        )
    return rows


@dataclass(frozen=True)
class PlanItem:
    row: GapRow
    sessions: int


@dataclass(frozen=True)
class StudyPlan:
    days_left: int
    focus: list[PlanItem] = field(default_factory=list)
    sessions_this_week: int = 0
    mock_interviews_this_week: int = 0
    message: str = ""

    @property
    def first_skills(self) -> list[str]:
        """Slugs of the skills the next default session should practise."""
        return [item.row.skill.slug for item in self.focus[:2]]


def _focus_size(days_left: int) -> int:
    """Fewer days left, fewer skills: depth beats breadth close to the interview."""
    if days_left <= 7:
        return 3
    if days_left <= 30:
        return 5
    return 8


def _share_out(total: int, weights: list[int]) -> list[int]:
    """Split `total` in proportion to `weights` by largest remainder; ties go to earlier rows."""
    if not weights or total <= 0:
        return [0] * len(weights)
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    shares = [math.floor(x) for x in exact]
    leftovers = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in leftovers[: total - sum(shares)]:
        shares[i] += 1
    return shares


def study_plan(
    *,
    gaps: list[GapRow],
    days_left: int,
    daily_goal: int,
    questions_per_session: int = QUESTIONS_PER_SESSION,
) -> StudyPlan:
    """This week's sessions for the days left before an interview.

    Takes the largest gaps (how many depends on the days left), gives them this week's
    sessions in proportion to their gap, and adds mock interviews in the last two weeks.
    """
    if days_left < 0:
        return StudyPlan(
            days_left=days_left,
            message="Your interview date has passed. Set the next one in your settings.",
        )
    open_gaps = [row for row in gaps if row.open][: _focus_size(days_left)]
    days_this_week = max(1, min(7, days_left))
    sessions = max(1, math.ceil(days_this_week * daily_goal / questions_per_session))
    mocks = 0 if days_left > 14 else (1 if days_left > 7 else 2)
    mocks = min(mocks, sessions)
    shares = _share_out(sessions - mocks, [row.gap for row in open_gaps])
    focus = [
        PlanItem(row=row, sessions=share) for row, share in zip(open_gaps, shares, strict=True)
    ]
    if not open_gaps:
        message = (
            "You meet the target on every skill. Keep your memory fresh with reviews "
            "and a mock interview."
        )
    elif days_left == 0:
        message = "The interview is today: skim the model answers of your weakest skills and rest."
    else:
        skills = "skill" if len(open_gaps) == 1 else "skills"
        message = f"{days_left} days left: focus on {len(open_gaps)} {skills} this week."
    return StudyPlan(
        days_left=days_left,
        focus=focus,
        sessions_this_week=sessions,
        mock_interviews_this_week=mocks,
        message=message,
    )


@dataclass(frozen=True)
class RatingChange:
    skill: SkillRef
    level: int | None
    previous: int | None

    @property
    def delta(self) -> int | None:
        if self.level is None or self.previous is None:
            return None
        return self.level - self.previous

    @property
    def direction(self) -> str:
        """ "up", "down", "same", "new" when there is nothing to compare with, or "unrated"
        when the skill was rated before but not this time."""
        if self.level is None and self.previous is not None:
            return "unrated"
        delta = self.delta
        if delta is None:
            return "new"
        return "up" if delta > 0 else "down" if delta < 0 else "same"


def rating_changes(
    *, skills: list[SkillRef], levels: dict[int, int], previous: dict[int, int] | None
) -> list[RatingChange]:
    """Per skill, in catalogue order, the level now and in the snapshot before."""
    previous = previous or {}
    return [
        RatingChange(skill=skill, level=levels.get(skill.id), previous=previous.get(skill.id))
        for skill in skills
        if skill.id in levels or skill.id in previous
    ]


def change_counts(changes: list[RatingChange]) -> dict[str, int]:
    counts = {"up": 0, "down": 0, "same": 0, "new": 0, "unrated": 0}
    for change in changes:
        counts[change.direction] += 1
    return counts
