import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, transaction

from assessments.models import Assessment, Rating
from assessments.queries import recent_answers_by_skill
from assessments.snapshots import assessment_save, history_page
from tests.factories import (
    make_assessment,
    make_catalogue,
    make_history,
    make_question,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)


def _save(user, skills, levels, *, finish, role=None, now=NOW, form_key=None):
    return assessment_save(
        user=user,
        role_profile=role,
        note="",
        levels={skill.pk: level for skill, level in zip(skills, levels, strict=True)},
        evidence={skills[0].pk: "Shipped a churn model"},
        finish=finish,
        now=now,
        form_key=form_key,
    )


def test_draft_then_finish_keeps_one_row_and_sets_the_target_role(alice):
    skills, role = make_catalogue()

    draft = _save(alice, skills, [1, None, None], finish=False)
    finished = _save(alice, skills, [1, 2, 3], finish=True, role=role)

    assert draft.pk == finished.pk
    assert finished.status == "complete" and finished.completed_at == NOW
    assert dict(finished.ratings.values_list("skill_id", "level")) == {
        skills[0].pk: 1,
        skills[1].pk: 2,
        skills[2].pk: 3,
    }
    assert finished.ratings.get(skill=skills[0]).evidence == "Shipped a churn model"
    alice.profile.refresh_from_db()
    assert alice.profile.target_role == role


def test_a_new_assessment_never_overwrites_the_last_snapshot(alice):
    skills, _ = make_catalogue()
    first = _save(alice, skills, [1, 1, 1], finish=True)

    second = _save(alice, skills, [3, 3, 3], finish=True, now=NOW + dt.timedelta(days=30))

    assert first.pk != second.pk
    assert set(first.ratings.values_list("level", flat=True)) == {1}
    assert Assessment.objects.filter(user=alice, status="complete").count() == 2


def test_the_same_form_finished_twice_is_one_snapshot(alice):
    skills, _ = make_catalogue()
    form_key = uuid.uuid4()
    first = _save(alice, skills, [1, 1, 1], finish=True, form_key=form_key)

    again = _save(
        alice, skills, [1, 1, 1], finish=True, form_key=form_key, now=NOW + dt.timedelta(seconds=1)
    )

    assert again.pk == first.pk
    assert again.completed_at == NOW
    assert Assessment.objects.filter(user=alice).count() == 1


def test_the_same_form_finished_again_with_changed_answers_is_a_new_snapshot(alice):
    """Going back to the finished page and changing a level must not lose the change."""
    skills, _ = make_catalogue()
    form_key = uuid.uuid4()
    first = _save(alice, skills, [1, 1, 1], finish=True, form_key=form_key)
    later = NOW + dt.timedelta(minutes=1)

    changed = _save(alice, skills, [1, 3, 1], finish=True, form_key=form_key, now=later)
    changed_again = _save(alice, skills, [1, 3, 1], finish=True, form_key=form_key, now=later)

    assert changed.pk != first.pk
    assert changed_again.pk == changed.pk
    assert changed.ratings.get(skill=skills[1]).level == 3
    assert set(first.ratings.values_list("level", flat=True)) == {1}
    assert Assessment.objects.filter(user=alice, status="complete").count() == 2


def test_a_draft_keeps_evidence_typed_before_a_level_was_chosen(alice):
    skills, _ = make_catalogue()

    draft = _save(alice, skills, [None, 2, None], finish=False)

    assert list(draft.ratings.order_by("skill__order").values_list("level", "evidence")) == [
        (None, "Shipped a churn model"),
        (2, ""),
    ]
    finished = _save(alice, skills, [4, 2, 1], finish=True)
    assert finished.ratings.get(skill=skills[0]).evidence == "Shipped a churn model"
    assert finished.ratings.get(skill=skills[0]).level == 4


def test_only_one_draft_per_user(alice):
    Assessment.objects.create(user=alice, created=NOW)

    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(user=alice, created=NOW)


def test_finishing_stores_the_calibration_gap(alice):
    skills, _ = make_catalogue(size=2)
    make_history(
        user=alice, questions=[make_question(skills=[skills[0]])], attempts_per_question=4, grade=1
    )

    snapshot = _save(alice, skills, [3, 2], finish=True)

    # Skill 0: rated 3, answers average 1 → distance 2; skill 1 has no answers.
    assert snapshot.calibration_gap == pytest.approx(2.0)


def test_recent_answers_keep_the_latest_ten_per_skill(alice):
    skills, _ = make_catalogue(size=2)
    question = make_question(skills=skills)
    start = NOW - dt.timedelta(days=20)
    make_history(user=alice, questions=[question], attempts_per_question=8, grade=0, start=start)
    make_history(user=alice, questions=[question], attempts_per_question=4, grade=4, start=NOW)

    answers = recent_answers_by_skill(alice)

    grades, ticked = answers[skills[0].pk]
    assert sorted(grades) == [0] * 6 + [4] * 4
    assert len(ticked) == 10
    assert answers[skills[1].pk][0] == grades


def test_history_page_counts_changes_against_the_snapshot_before(alice):
    skills, _ = make_catalogue()
    make_assessment(user=alice, levels=dict(zip(skills, [1, 1, 1], strict=True)), completed_at=NOW)
    make_assessment(
        user=alice,
        levels=dict(zip(skills, [2, 1, 0], strict=True)),
        completed_at=NOW + dt.timedelta(days=30),
    )

    page, rows = history_page(user=alice, page_number=1)

    newest, oldest = rows
    assert newest["counts"] == {"up": 1, "down": 1, "same": 1, "new": 0}
    assert [(c.skill.id, c.previous, c.level) for c in newest["changes"]] == [
        (skills[0].pk, 1, 2),
        (skills[2].pk, 1, 0),
    ]
    assert not oldest["has_previous"]


def test_history_compares_the_last_row_of_a_page_with_the_next_page(alice):
    skills, _ = make_catalogue(size=1)
    for n in range(11):
        make_assessment(
            user=alice, levels={skills[0]: n % 5}, completed_at=NOW + dt.timedelta(days=n)
        )

    _, rows = history_page(user=alice, page_number=1)

    assert len(rows) == 10
    last_on_page = rows[-1]
    assert last_on_page["has_previous"]
    assert last_on_page["counts"]["up"] == 1  # day 1 (level 1) against day 0 (level 0)
    assert Rating.objects.count() == 11
