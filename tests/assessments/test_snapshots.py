import datetime as dt
import uuid

import pytest
from django.db import IntegrityError, transaction

from assessments.models import Assessment, Rating
from assessments.pages import gaps_page
from assessments.queries import recent_answers_by_skill
from assessments.snapshots import (
    finish_draft,
    history_page,
    save_quick_start,
    save_step,
    start_draft,
)
from mlcareer.caching import history_fingerprint
from mlcareer.dashboard import dashboard
from tests.factories import (
    make_assessment,
    make_catalogue,
    make_history,
    make_question,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)


def _levels(skills, levels):
    return {skill.pk: level for skill, level in zip(skills, levels, strict=True)}


def _rated(assessment):
    return dict(assessment.ratings.values_list("skill_id", "level"))


def _step(user, draft, skills, levels, **details):
    return save_step(
        user=user,
        draft_id=draft.pk,
        levels=_levels(skills, levels),
        evidence={skills[0].pk: "Shipped a churn model"},
        **details,
    )


def test_a_first_draft_starts_empty_against_the_target_role(alice):
    _, role = make_catalogue()
    alice.profile.target_role = role
    alice.profile.save()

    draft, _ = start_draft(user=alice, now=NOW)

    assert draft.status == "draft" and draft.ratings.count() == 0
    assert draft.role_profile == role


def test_a_new_draft_starts_from_the_last_snapshot_and_starting_again_continues_it(alice):
    skills, role = make_catalogue()
    make_assessment(user=alice, levels=dict(zip(skills, [1, 2, 3], strict=True)), role=role)

    draft, started = start_draft(user=alice, now=NOW)
    again, started_again = start_draft(user=alice, now=NOW + dt.timedelta(days=1))

    assert again.pk == draft.pk and (started, started_again) == (True, False)
    assert _rated(draft) == _levels(skills, [1, 2, 3])
    assert draft.role_profile == role
    assert Assessment.objects.filter(user=alice).count() == 2


def test_a_step_replaces_its_own_skills_and_keeps_the_others(alice):
    skills, _ = make_catalogue(size=4)
    draft, _ = start_draft(user=alice, now=NOW)
    _step(alice, draft, skills[:2], [1, 2])

    _step(alice, draft, skills[2:], [3, None])
    _step(alice, draft, skills[:1], [4])

    assert _rated(draft) == {skills[0].pk: 4, skills[1].pk: 2, skills[2].pk: 3}


def test_a_step_keeps_evidence_typed_before_a_level_was_chosen(alice):
    skills, _ = make_catalogue()
    draft, _ = start_draft(user=alice, now=NOW)

    _step(alice, draft, skills, [None, 2, None])

    assert list(draft.ratings.order_by("skill__order").values_list("level", "evidence")) == [
        (None, "Shipped a churn model"),
        (2, ""),
    ]


def test_a_step_changes_the_role_and_note_only_when_given(alice):
    skills, role = make_catalogue()
    draft, _ = start_draft(user=alice, now=NOW)
    _step(alice, draft, skills, [1, 1, 1], role_profile=role, note="Before Acme")

    _step(alice, draft, skills, [2, 2, 2])

    draft.refresh_from_db()
    assert (draft.role_profile, draft.note) == (role, "Before Acme")


def test_finishing_with_skills_left_keeps_the_draft_and_names_them_in_catalogue_order(alice):
    skills, _ = make_catalogue(size=4)
    draft, _ = start_draft(user=alice, now=NOW)
    _step(alice, draft, skills, [1, None, 3, None])

    assessment, missing = finish_draft(user=alice, draft_id=draft.pk, now=NOW)

    assert missing == [skills[1].pk, skills[3].pk]
    assert assessment.status == "draft" and assessment.completed_at is None


def test_finishing_a_full_draft_makes_a_snapshot_and_sets_the_target_role(alice):
    skills, role = make_catalogue()
    draft, _ = start_draft(user=alice, now=NOW)
    _step(alice, draft, skills, [1, 2, 3], role_profile=role)

    finished, missing = finish_draft(user=alice, draft_id=draft.pk, now=NOW)

    assert missing == [] and finished.pk == draft.pk
    assert finished.status == "complete" and finished.completed_at == NOW
    assert _rated(finished) == _levels(skills, [1, 2, 3])
    assert finished.ratings.get(skill=skills[0]).evidence == "Shipped a churn model"
    alice.profile.refresh_from_db()
    assert alice.profile.target_role == role


def test_finishing_twice_is_one_snapshot_and_a_late_step_changes_nothing(alice):
    skills, _ = make_catalogue()
    draft, _ = start_draft(user=alice, now=NOW)
    _step(alice, draft, skills, [1, 2, 3])
    finish_draft(user=alice, draft_id=draft.pk, now=NOW)

    again, missing = finish_draft(user=alice, draft_id=draft.pk, now=NOW + dt.timedelta(hours=1))
    late = _step(alice, draft, skills, [4, 4, 4])

    assert missing == [] and again.completed_at == NOW
    assert late is None
    assert _rated(again) == _levels(skills, [1, 2, 3])
    assert Assessment.objects.filter(user=alice).count() == 1


def test_a_new_assessment_never_overwrites_the_last_snapshot(alice):
    skills, _ = make_catalogue()
    first, _ = start_draft(user=alice, now=NOW)
    _step(alice, first, skills, [1, 1, 1])
    finish_draft(user=alice, draft_id=first.pk, now=NOW)

    second, _ = start_draft(user=alice, now=NOW + dt.timedelta(days=30))
    _step(alice, second, skills, [3, 3, 3])
    finish_draft(user=alice, draft_id=second.pk, now=NOW + dt.timedelta(days=30))

    assert first.pk != second.pk
    assert set(first.ratings.values_list("level", flat=True)) == {1}
    assert Assessment.objects.filter(user=alice, status="complete").count() == 2


def _quick(user, skills, levels, role, *, form_key=None, now=NOW):
    return save_quick_start(
        user=user,
        role_profile=role,
        levels=_levels(skills, levels),
        evidence={},
        now=now,
        form_key=form_key,
    )


def test_a_quick_start_is_a_snapshot_of_its_few_skills_and_leaves_the_draft_alone(alice):
    skills, role = make_catalogue(size=4)
    draft, _ = start_draft(user=alice, now=NOW)
    _step(alice, draft, skills[3:], [4])

    quick = _quick(alice, skills[:2], [1, 2], role)

    assert quick.status == "complete" and quick.completed_at == NOW
    assert _rated(quick) == _levels(skills[:2], [1, 2])
    assert _rated(draft) == {skills[3].pk: 4}
    draft.refresh_from_db()
    assert draft.status == "draft"
    alice.profile.refresh_from_db()
    assert alice.profile.target_role == role


def test_the_same_quick_start_page_sent_twice_is_one_snapshot(alice):
    skills, role = make_catalogue()
    form_key = uuid.uuid4()
    first = _quick(alice, skills, [1, 1, 1], role, form_key=form_key)

    again = _quick(
        alice, skills, [1, 1, 1], role, form_key=form_key, now=NOW + dt.timedelta(seconds=1)
    )

    assert again.pk == first.pk and again.completed_at == NOW
    assert Assessment.objects.filter(user=alice).count() == 1


def test_a_quick_start_page_sent_again_with_changed_answers_is_a_new_snapshot(alice):
    """Going back to the finished page and changing a level must not lose the change."""
    skills, role = make_catalogue()
    form_key = uuid.uuid4()
    first = _quick(alice, skills, [1, 1, 1], role, form_key=form_key)
    later = NOW + dt.timedelta(minutes=1)

    changed = _quick(alice, skills, [1, 3, 1], role, form_key=form_key, now=later)
    changed_again = _quick(alice, skills, [1, 3, 1], role, form_key=form_key, now=later)

    assert changed.pk != first.pk
    assert changed_again.pk == changed.pk
    assert changed.ratings.get(skill=skills[1]).level == 3
    assert Assessment.objects.filter(user=alice, status="complete").count() == 2


def test_only_one_draft_per_user(alice):
    Assessment.objects.create(user=alice, created=NOW)

    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(user=alice, created=NOW)


def test_finishing_stores_the_calibration_gap(alice):
    skills, role = make_catalogue(size=2)
    make_history(
        user=alice, questions=[make_question(skills=[skills[0]])], attempts_per_question=4, grade=1
    )

    snapshot = _quick(alice, skills, [3, 2], role)

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
    assert newest["counts"] == {"up": 1, "down": 1, "same": 1, "new": 0, "unrated": 0}
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


def test_history_says_which_skills_a_quick_start_left_unrated(alice):
    skills, _ = make_catalogue()
    make_assessment(user=alice, levels=dict(zip(skills, [1, 1, 1], strict=True)), completed_at=NOW)
    make_assessment(user=alice, levels={skills[0]: 2}, completed_at=NOW + dt.timedelta(days=1))

    _, (quick, _) = history_page(user=alice, page_number=1)

    assert quick["counts"] == {"up": 1, "down": 0, "same": 0, "new": 0, "unrated": 2}


def test_only_finished_assessments_make_the_history(alice):
    skills, _ = make_catalogue()
    make_assessment(user=alice, levels={skills[0]: 1}, completed_at=NOW)
    draft, _ = start_draft(user=alice, now=NOW + dt.timedelta(days=1))
    _step(alice, draft, skills, [4, 4, 4])

    page, rows = history_page(user=alice, page_number=1)

    assert [row["assessment"].status for row in rows] == ["complete"]


def test_a_draft_counts_in_no_statistic_until_it_is_finished(alice):
    """Gaps, calibration trend, the dashboard and the page caches read finished ones only."""
    skills, role = make_catalogue()
    finished = make_assessment(
        user=alice, levels=dict(zip(skills, [1, 1, 1], strict=True)), role=role, completed_at=NOW
    )
    fingerprint = history_fingerprint(alice)
    draft, _ = start_draft(user=alice, now=NOW + dt.timedelta(days=1))
    _step(alice, draft, skills, [4, 4, 4])

    assert history_fingerprint(alice) == fingerprint
    gaps = gaps_page(user=alice, now=NOW + dt.timedelta(days=1))
    assert gaps["latest"] == finished
    assert [s.pk for s in gaps["snapshots"]] == [finished.pk]
    assert {row.current for row in gaps["gaps"]} == {1}
    board = dashboard(user=alice, now=NOW + dt.timedelta(days=1))
    assert board["latest"] == finished

    finish_draft(user=alice, draft_id=draft.pk, now=NOW + dt.timedelta(days=2))

    assert history_fingerprint(alice) != fingerprint
    gaps = gaps_page(user=alice, now=NOW + dt.timedelta(days=2))
    assert gaps["latest"].pk == draft.pk
    assert {row.current for row in gaps["gaps"]} == {4}
