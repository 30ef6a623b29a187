"""A demo learner with months of realistic history, for screenshots, trials and benchmarks."""

import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from fsrs import Card

from assessments.analysis import calibrate_all, calibration_gap
from assessments.models import Assessment, Rating, RoleProfile, Skill
from assessments.queries import recent_answers_by_skill, skill_refs
from mlcareer.accounts import account_create
from practice.feedback import grade_answer
from practice.models import Attempt, KeyPoint, PracticeSession, Question, ReviewCard
from practice.scheduling import SCHEDULER, rating_for


class DemoError(Exception):
    pass


@dataclass(frozen=True)
class DemoReport:
    username: str
    sessions: int
    attempts: int
    cards: int
    assessments: int


DEMO_ANSWERS = Path(settings.BASE_DIR) / "fixtures" / "demo" / "answers.json"

# How good each kind of written answer is, on the 0-4 scale, and the grades it may get.
QUALITY_LEVELS = {"short": 0.5, "mistake": 1, "partial": 2, "strong": 3.5}
QUALITY_GRADES = {"short": (0, 1), "mistake": (0, 1), "partial": (2, 2), "strong": (3, 4)}


@dataclass(frozen=True)
class DemoAnswer:
    """One answer the demo learner gives, written for its question, and how good it is."""

    quality: str
    text: str

    def grade_for(self, level: int) -> int:
        """The grade the learner gives this answer: their level, held within the answer's
        quality (a strong answer gets 3 or 4, a partial one 2, a weak one 0 or 1)."""
        low, high = QUALITY_GRADES[self.quality]
        return max(low, min(high, level))


def demo_answers(path: Path = DEMO_ANSWERS) -> dict[str, list[DemoAnswer]]:
    """The demo learner's answers by question slug, from the data file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        slug: [DemoAnswer(quality=a["quality"], text=a["text"]) for a in answers]
        for slug, answers in data["answers"].items()
    }


def answer_for(answers: list[DemoAnswer], level: int, rng: random.Random) -> DemoAnswer:
    """The answer a learner at `level` (0-4) writes: one of the quality nearest that level."""
    distance = {a: abs(QUALITY_LEVELS[a.quality] - level) for a in answers}
    nearest = min(distance.values())
    return rng.choice([a for a in answers if distance[a] == nearest])


@transaction.atomic
def demo_create(
    *,
    username: str,
    password: str,
    now: dt.datetime,
    days: int = 182,
    per_day: int = 6,
    replace: bool = False,
    seed: int = 42,
) -> DemoReport:
    """Create `username` with `days` of practice ending at `now`, reviews replayed with FSRS,
    and three self-assessments. Needs the shipped content (load_content) first.

    The learner practises the questions of the demo answers file, answering each with one of
    the answers written for it: strong, partial, mistaken or short as their ability at the
    time allows, graded to match, with the key points the answer makes ticked.
    """
    rng = random.Random(seed)
    written = demo_answers()
    users = get_user_model().objects
    if users.filter(username=username).exists():
        if not replace:
            raise DemoError(f"The user “{username}” already exists; pass --replace to rebuild it.")
        users.filter(username=username).delete()
    questions = list(
        Question.objects.published()
        .filter(slug__in=written)
        .order_by("slug")
        .prefetch_related("key_points", "skills")
    )
    skills = list(Skill.objects.all())
    role = RoleProfile.objects.filter(slug="ml-engineer").first() or RoleProfile.objects.first()
    if not questions or not skills:
        raise DemoError(
            "None of the demo's questions is published, or there are no skills. "
            "Run load_content first."
        )
    user = account_create(username=username, email=f"{username}@example.com", password=password)
    profile = user.profile
    profile.display_name = "Demo learner"
    profile.time_zone = "Europe/London"
    profile.target_role = role
    profile.interview_date = (now + dt.timedelta(days=21)).date()
    profile.save()

    # Each skill has a true ability that grows over the months; grades follow it, with noise.
    start_ability = {skill.pk: rng.uniform(0.3, 1.6) for skill in skills}
    growth = {skill.pk: rng.uniform(0.3, 1.4) for skill in skills}

    def ability(question: Question, progress: float) -> float:
        ids = [s.pk for s in question.skills.all()] or [skills[0].pk]
        return sum(start_ability[i] + growth[i] * progress for i in ids) / len(ids)

    matched: dict[tuple[int, str], list[int]] = {}

    def findings(question: Question, answer: DemoAnswer, points: list[KeyPoint]) -> list[int]:
        """Ids of the key points matching finds in the answer, each text matched once."""
        key = (question.pk, answer.text)
        if key not in matched:
            result = grade_answer(question, answer.text, key_points=points)
            matched[key] = [p.pk for p, f in zip(points, result.points, strict=True) if f.found]
        return matched[key]

    cards: dict[int, Card] = {}
    counts: dict[int, int] = {}
    attempts: list[Attempt] = []
    sessions = 0
    by_id = {q.pk: q for q in questions}
    unseen = questions[:]
    rng.shuffle(unseen)
    first_day = now - dt.timedelta(days=days)
    for offset in range(days):
        day = first_day + dt.timedelta(days=offset, hours=rng.choice([7, 12, 19, 21]))
        if rng.random() > (0.55 + 0.35 * offset / days):
            continue
        due = sorted((c.due, qid) for qid, c in cards.items() if c.due <= day)
        chosen = [by_id[qid] for _, qid in due[:per_day]]
        while len(chosen) < per_day and unseen:
            chosen.append(unseen.pop())
        if not chosen:
            continue
        mock = offset % 14 == 13
        session = PracticeSession.objects.create(
            user=user,
            mode=PracticeSession.Mode.MOCK if mock else PracticeSession.Mode.PRACTICE,
            started_at=day,
            clock_started_at=day if mock else None,
            finished_at=day + dt.timedelta(minutes=6 * len(chosen)),
            time_limit_seconds=sum(q.suggested_minutes for q in chosen) * 60 if mock else None,
        )
        sessions += 1
        clock = day
        for position, question in enumerate(chosen, start=1):
            seconds = rng.randint(90, 600)
            shown, clock = clock, clock + dt.timedelta(seconds=seconds)
            points = list(question.key_points.all())
            if rng.random() < 0.05:
                attempts.append(
                    Attempt(session=session, user=user, question=question, position=position,
                            status=Attempt.Status.SKIPPED, shown_at=shown, submitted_at=clock,
                            seconds_taken=seconds, active_seconds=seconds, wall_seconds=seconds)
                )  # fmt: skip
                continue
            level = ability(question, offset / days) + 0.25 * counts.get(question.pk, 0)
            level = max(0, min(4, round(level + rng.gauss(0, 0.7))))
            answer = answer_for(written[question.slug], level, rng)
            grade = answer.grade_for(level)
            text = answer.text
            found = findings(question, answer, points)
            # The learner ticks the points their answer makes; under a wrong claim, at most one.
            ticked = found[:1] if answer.quality == "mistake" else found
            revealed = not mock and rng.random() < 0.04
            card, _ = SCHEDULER.review_card(
                cards.get(question.pk, Card(due=clock)),
                rating_for(grade=grade, revealed_early=revealed),
                clock,
            )
            cards[question.pk] = card
            counts[question.pk] = counts.get(question.pk, 0) + 1
            attempts.append(
                Attempt(
                    session=session, user=user, question=question, position=position,
                    status=Attempt.Status.ANSWERED, answer=text, draft=text, shown_at=shown,
                    submitted_at=clock, seconds_taken=seconds, active_seconds=seconds,
                    wall_seconds=seconds, revealed_early=revealed,
                    coverage=len(found) / len(points) if points else 0.0,
                    grade=grade, graded_at=clock, ticked_key_points=ticked,
                    ticked_share=len(ticked) / len(points) if points else None,
                )
            )  # fmt: skip
    Attempt.objects.bulk_create(attempts, batch_size=2000)
    ReviewCard.objects.bulk_create(
        [
            ReviewCard(
                user=user, question_id=qid, state=c.state.value, step=c.step,
                stability=c.stability, difficulty=c.difficulty, due=c.due,
                last_review=c.last_review, reviews=counts[qid],
            )
            for qid, c in cards.items()
        ],
        batch_size=2000,
    )  # fmt: skip

    def self_rating(skill: Skill, index: int, fraction: float) -> int:
        # People rate themselves a little above what they show; the first skill stays
        # clearly over-confident so that calibration has something to flag.
        bias = 2.0 if index == 0 else 0.4
        return max(0, min(4, round(start_ability[skill.pk] + growth[skill.pk] * fraction + bias)))

    snapshots = 0
    refs = skill_refs()
    for fraction in (0.0, 0.5, 0.97):
        when = first_day + dt.timedelta(days=round(days * fraction), hours=20)
        levels = {
            skill.pk: self_rating(skill, index, fraction) for index, skill in enumerate(skills)
        }
        gap = calibration_gap(
            calibrate_all(
                skills=refs, levels=levels, answers=recent_answers_by_skill(user, before=when)
            )
        )
        assessment = Assessment.objects.create(
            user=user, role_profile=role, status=Assessment.Status.COMPLETE,
            created=when, completed_at=when, calibration_gap=gap,
        )  # fmt: skip
        Rating.objects.bulk_create(
            Rating(
                assessment=assessment,
                skill=skill,
                level=levels[skill.pk],
                evidence="Worked on this in the practice sessions." if fraction else "",
            )
            for skill in skills
        )  # fmt: skip
        snapshots += 1
    return DemoReport(
        username=username,
        sessions=sessions,
        attempts=len(attempts),
        cards=len(cards),
        assessments=snapshots,
    )
