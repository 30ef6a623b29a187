"""A large synthetic data set for measuring MLCareer, built with bulk inserts.

    DJANGO_DEBUG=1 SQLITE_PATH=/tmp/bench.sqlite3 .venv/bin/python bench/dataset.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/dataset.py

On a migrated, empty database (the shipped content is loaded first), it adds synthetic
published questions up to BENCH_QUESTIONS, BENCH_USERS learners with BENCH_ATTEMPTS answers
and BENCH_ASSESSMENTS self-assessments spread among them, and one heavy learner, "heavy",
with 10,000 answers and 100 self-assessments, and one light learner, "light", with 100 answers
and 5 self-assessments. Prints what it made and how long it took.
"""

import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mlcareer.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from assessments.models import Assessment, Rating, RoleProfile, Skill  # noqa: E402
from mlcareer.content import content_load  # noqa: E402
from mlcareer.models import Profile  # noqa: E402
from practice.models import (  # noqa: E402
    Attempt,
    KeyPoint,
    PracticeSession,
    Question,
    ReviewCard,
    Topic,
)
from practice.search import search_index_refresh  # noqa: E402

QUESTIONS = int(os.environ.get("BENCH_QUESTIONS", 5_000))
USERS = int(os.environ.get("BENCH_USERS", 1_000))
ATTEMPTS = int(os.environ.get("BENCH_ATTEMPTS", 1_000_000))
ASSESSMENTS = int(os.environ.get("BENCH_ASSESSMENTS", 20_000))
HEAVY_ATTEMPTS, HEAVY_SNAPSHOTS = 10_000, 100
LIGHT_ATTEMPTS, LIGHT_SNAPSHOTS = 100, 5
PER_SESSION = 10
BATCH = 5_000
PASSWORD = "bench-password-2026"


def _bulk(model, rows):
    for start in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[start : start + BATCH])


def _questions(rng):
    topics, skills = list(Topic.objects.all()), list(Skill.objects.all())
    missing = QUESTIONS - Question.objects.count()
    new = [
        Question(
            title=f"Synthetic question {n}: trade-off {n % 97} of {rng.choice(topics).name}",
            slug=f"synthetic-{n}",
            prompt=f"Explain idea {n}, its **trade-offs**, and give an example.",
            difficulty=rng.choice(["easy", "medium", "hard"]),
            kind=rng.choice(["conceptual", "coding", "system_design", "behavioural"]),
            topic=rng.choice(topics),
            model_answer=" ".join(["A model answer sentence with precision and recall."] * 12),
            status="published",
        )
        for n in range(max(0, missing))
    ]
    _bulk(Question, new)
    created = list(Question.objects.filter(slug__startswith="synthetic-"))
    through = Question.skills.through
    links = [through(question=q, skill=s) for q in created for s in rng.sample(skills, 2)]
    _bulk(through, links)
    _bulk(
        KeyPoint,
        [
            KeyPoint(
                question=q, order=i, text=f"Point {i}", keywords=f"precision, recall, idea{i}"
            )
            for q in created
            for i in range(1, 5)
        ],
    )
    search_index_refresh(q.pk for q in created)
    return list(Question.objects.published().values_list("pk", flat=True))


def _users(count, prefix):
    password = make_password(PASSWORD)
    User = get_user_model()
    User.objects.bulk_create(
        [
            User(username=f"{prefix}{n}", email=f"{prefix}{n}@example.com", password=password)
            for n in range(count)
        ],
        batch_size=BATCH,
    )
    users = list(User.objects.filter(username__startswith=prefix).order_by("pk"))
    role = RoleProfile.objects.first()
    _bulk(Profile, [Profile(user=u, target_role=role, time_zone="Europe/London") for u in users])
    return users


def _history(rng, user, question_ids, attempts, snapshots, now, *, role, skills):
    sessions_needed = max(1, attempts // PER_SESSION)
    start = now - dt.timedelta(days=365)
    sessions = [
        PracticeSession(
            user=user,
            started_at=start + dt.timedelta(minutes=n * 50),
            finished_at=start + dt.timedelta(minutes=n * 50 + 30),
        )
        for n in range(sessions_needed)
    ]
    _bulk(PracticeSession, sessions)
    sessions = list(
        PracticeSession.objects.filter(user=user).order_by("pk").values_list("pk", "started_at")
    )
    rows = []
    for index in range(attempts):
        session_id, when = sessions[index // PER_SESSION]
        grade = rng.randint(0, 4)
        rows.append(
            Attempt(
                session_id=session_id,
                user=user,
                question_id=question_ids[(index * 7919) % len(question_ids)],
                position=index % PER_SESSION + 1,
                status="answered",
                answer="Precision and recall matter.",
                shown_at=when,
                submitted_at=when + dt.timedelta(seconds=90),
                seconds_taken=90,
                coverage=grade / 4,
                ticked_share=grade / 4,
                grade=grade,
                graded_at=when + dt.timedelta(seconds=95),
            )
        )
    _bulk(Attempt, rows)
    practised = {row.question_id for row in rows}
    _bulk(
        ReviewCard,
        [
            ReviewCard(
                user=user,
                question_id=q,
                state=2,
                stability=5.0,
                difficulty=5.0,
                due=now + dt.timedelta(days=rng.randint(-5, 40)),
                last_review=now,
                reviews=1,
            )
            for q in practised
        ],
    )
    assessments = [
        Assessment(
            user=user,
            status="complete",
            created=start + dt.timedelta(days=n * 3),
            completed_at=start + dt.timedelta(days=n * 3),
            role_profile=role,
        )
        for n in range(snapshots)
    ]
    _bulk(Assessment, assessments)
    ids = list(Assessment.objects.filter(user=user).values_list("pk", flat=True))
    _bulk(
        Rating,
        [
            Rating(assessment_id=a, skill_id=s, level=rng.randint(0, 4))
            for a in ids
            for s in skills
        ],
    )


@transaction.atomic
def build() -> dict:
    rng = random.Random(7)
    now = timezone.now()
    content_load()
    question_ids = _questions(rng)
    users = _users(USERS, "learner")
    shared = {
        "role": RoleProfile.objects.first(),
        "skills": list(Skill.objects.values_list("pk", flat=True)),
    }
    per_user_attempts = ATTEMPTS // max(1, USERS)
    per_user_snapshots = ASSESSMENTS // max(1, USERS)
    for user in users:
        _history(rng, user, question_ids, per_user_attempts, per_user_snapshots, now, **shared)
    heavy = _users(1, "heavy")[0]
    get_user_model().objects.filter(pk=heavy.pk).update(username="heavy")
    _history(rng, heavy, question_ids, HEAVY_ATTEMPTS, HEAVY_SNAPSHOTS, now, **shared)
    light = _users(1, "light")[0]
    get_user_model().objects.filter(pk=light.pk).update(username="light")
    _history(rng, light, question_ids, LIGHT_ATTEMPTS, LIGHT_SNAPSHOTS, now, **shared)
    return {
        "questions": Question.objects.count(),
        "users": get_user_model().objects.count(),
        "attempts": Attempt.objects.count(),
        "assessments": Assessment.objects.count(),
        "ratings": Rating.objects.count(),
        "review_cards": ReviewCard.objects.count(),
    }


def analyze() -> None:
    """PostgreSQL plans from table statistics, which its autovacuum gathers soon after a bulk
    load like this one; gather them now so that what is measured is a settled database. (A
    SQLite database has none unless someone runs ANALYZE, so it is left as a site would be.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


if __name__ == "__main__":
    started = time.perf_counter()
    figures = build()
    analyze()
    print({**figures, "seconds": round(time.perf_counter() - started, 1)})
