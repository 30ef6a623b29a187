import datetime as dt
import logging
import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from assessments.models import Assessment, Rating
from practice.models import AIReview, Attempt, PracticeSession
from tests.concurrency import run_at_once, same_browser
from tests.factories import (
    make_ai_review,
    make_assessment,
    make_catalogue,
    make_history,
    make_question,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    return make_catalogue(size=3, target=3)


def _levels(skills, values):
    return {
        f"level_{skill.slug}": str(v)
        for skill, v in zip(skills, values, strict=True)
        if v is not None
    }


def _hidden_fields(page):
    """What the form sends besides the choices made: the CSRF token, any other hidden input."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


def test_assessment_pages_require_login(client):
    for url in ("/assessments/", "/assessments/new/", "/assessments/gaps/", "/assessments/1/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_form_shows_every_skill_with_its_five_descriptors(alice_client, catalogue):
    skills, _ = catalogue

    page = alice_client.get("/assessments/new/").content.decode()

    for skill in skills:
        assert skill.name in page
        for level in range(5):
            assert f"{skill.name} at {level}" in page
    assert page.count('type="radio"') == 15


def test_finishing_saves_a_snapshot_and_shows_the_gaps(alice_client, alice, catalogue):
    skills, role = catalogue
    data = {"finish": "1", "role_profile": role.pk, **_levels(skills, [1, 3, 2])}
    data[f"evidence_{skills[0].slug}"] = "Built a recommender at work"

    response = alice_client.post("/assessments/new/", data, follow=True)

    assert response.redirect_chain[-1][0] == "/assessments/gaps/"
    snapshot = Assessment.objects.get(user=alice)
    assert snapshot.status == "complete"
    assert snapshot.ratings.get(skill=skills[0]).evidence == "Built a recommender at work"
    page = response.content.decode()
    assert "Self-assessment saved" in page
    ranked = re.findall(
        r'<th scope="row" class="fw-normal">([^<]+)</th><td class="text-end">', page
    )
    assert ranked[:3] == [skills[0].name, skills[2].name, skills[1].name]


def test_finishing_with_missing_levels_keeps_everything_entered(alice_client, alice, catalogue):
    skills, role = catalogue
    data = {
        "finish": "1",
        "role_profile": role.pk,
        "note": "Before the Acme interview",
        **_levels(skills, [4, None, 2]),
        f"evidence_{skills[1].slug}": "Half a course",
    }

    response = alice_client.post("/assessments/new/", data)

    page = response.content.decode()
    assert page.count("Choose a level to finish, or save a draft") == 1
    assert re.search(rf'name="level_{skills[0].slug}" value="4"[^>]*checked', page)
    assert "Half a course" in page and "Before the Acme interview" in page
    assert not Assessment.objects.exists()


def test_a_partial_draft_is_saved_and_prefills_the_form(alice_client, alice, catalogue):
    skills, _ = catalogue

    response = alice_client.post(
        "/assessments/new/", {"draft": "1", **_levels(skills, [2, None, None])}
    )

    assert response.url == "/assessments/new/"
    draft = Assessment.objects.get(user=alice)
    assert draft.status == "draft" and draft.ratings.count() == 1
    page = alice_client.get("/assessments/new/").content.decode()
    assert "continuing the draft" in page
    assert re.search(rf'name="level_{skills[0].slug}" value="2"[^>]*checked', page)


def test_a_draft_keeps_evidence_for_a_skill_without_a_level(alice_client, alice, catalogue):
    skills, _ = catalogue

    alice_client.post(
        "/assessments/new/",
        {
            "draft": "1",
            **_levels(skills, [2, None, None]),
            f"evidence_{skills[1].slug}": "Two Kaggle notebooks",
        },
    )

    page = alice_client.get("/assessments/new/").content.decode()
    assert re.search(
        rf'name="evidence_{skills[1].slug}"[^>]*>\s*Two Kaggle notebooks</textarea>', page
    )
    assert re.search(rf'name="level_{skills[0].slug}" value="2"[^>]*checked', page)
    assert not re.search(rf'name="level_{skills[1].slug}" value="\d"[^>]*checked', page)


def test_finish_pressed_twice_saves_one_snapshot(alice_client, alice, catalogue):
    skills, role = catalogue
    form = _hidden_fields(alice_client.get("/assessments/new/").content.decode())
    data = {**form, "finish": "1", "role_profile": role.pk, **_levels(skills, [1, 3, 2])}

    first = alice_client.post("/assessments/new/", data)
    second = alice_client.post("/assessments/new/", data, follow=True)

    assert first.url == "/assessments/gaps/"
    assert second.redirect_chain == [("/assessments/gaps/", 302)]
    assert "Self-assessment saved" in second.content.decode()
    assert Assessment.objects.filter(user=alice).count() == 1


def test_a_finished_page_changed_after_going_back_saves_the_change(alice_client, alice, catalogue):
    skills, role = catalogue
    form = _hidden_fields(alice_client.get("/assessments/new/").content.decode())
    data = {**form, "finish": "1", "role_profile": role.pk, **_levels(skills, [1, 3, 2])}
    alice_client.post("/assessments/new/", data)

    alice_client.post("/assessments/new/", {**data, **_levels(skills, [1, 4, 2])})

    latest = Assessment.objects.filter(user=alice).order_by("-completed_at", "-pk").first()
    assert latest.ratings.get(skill=skills[1]).level == 4
    assert Assessment.objects.filter(user=alice, status="complete").count() == 2


def test_a_form_opened_after_finishing_saves_a_new_snapshot(alice_client, alice, catalogue):
    skills, role = catalogue
    for levels in ([1, 1, 1], [2, 2, 2]):
        form = _hidden_fields(alice_client.get("/assessments/new/").content.decode())
        alice_client.post(
            "/assessments/new/",
            {**form, "finish": "1", "role_profile": role.pk, **_levels(skills, levels)},
        )

    assert Assessment.objects.filter(user=alice, status="complete").count() == 2


@pytest.mark.django_db(transaction=True)
def test_twenty_finishes_at_once_save_one_snapshot(threads_db):
    skills, role = make_catalogue(size=3, target=3)
    alice = make_user(username="alice")
    client = Client()
    client.force_login(alice)
    form = _hidden_fields(client.get("/assessments/new/").content.decode())
    data = {**form, "finish": "1", "role_profile": role.pk, **_levels(skills, [1, 3, 2])}

    responses = run_at_once(lambda: same_browser(client).post("/assessments/new/", data), times=20)

    assert [r.status_code for r in responses] == [302] * 20
    assert {r.url for r in responses} == {"/assessments/gaps/"}
    assert Assessment.objects.filter(user=alice).count() == 1


def test_a_form_over_the_upload_limit_comes_back_with_the_rest_kept(
    alice_client, alice, catalogue, caplog
):
    """Django takes 2.5 MB a request; past that a form used to get a bare "Bad Request"."""
    skills, role = catalogue
    data = {
        "role_profile": role.pk,
        "note": "Before the Acme interview",
        f"evidence_{skills[0].slug}": "A pasted log file. " * 160_000,  # 3 MB
        **_levels(skills, [1, 2, 3]),
        "draft": "1",
    }

    with caplog.at_level(logging.WARNING):
        response = alice_client.post(
            "/assessments/new/", urlencode(data), content_type="application/x-www-form-urlencoded"
        )

    assert response.status_code == 200
    page = response.content.decode()
    assert "only the beginning of each long text arrived" in page
    assert "Ensure this value has at most 2000 characters" in page
    assert "A pasted log file. A pasted log file." in page
    assert "Before the Acme interview" in page
    assert re.search(rf'name="level_{skills[2].slug}" value="3"[^>]*checked', page)
    assert not Assessment.objects.exists()
    assert [r.levelname for r in caplog.records if r.levelno >= logging.WARNING] == ["WARNING"]


def test_a_new_assessment_starts_from_the_last_snapshot(alice_client, alice, catalogue):
    skills, _ = catalogue
    make_assessment(user=alice, levels=dict(zip(skills, [1, 2, 3], strict=True)))

    page = alice_client.get("/assessments/new/").content.decode()

    assert re.search(rf'name="level_{skills[2].slug}" value="3"[^>]*checked', page)


def test_out_of_range_level_is_refused(alice_client, catalogue):
    skills, _ = catalogue

    response = alice_client.post(
        "/assessments/new/", {"draft": "1", f"level_{skills[0].slug}": "9"}
    )

    assert "Select a valid choice" in response.content.decode()
    assert not Rating.objects.exists()


def test_history_lists_snapshots_with_changes(alice_client, alice, catalogue):
    skills, role = catalogue
    now = timezone.now()
    make_assessment(
        user=alice,
        levels=dict(zip(skills, [1, 1, 1], strict=True)),
        role=role,
        completed_at=now - dt.timedelta(days=40),
    )
    make_assessment(
        user=alice, levels=dict(zip(skills, [2, 1, 1], strict=True)), role=role, completed_at=now
    )

    page = alice_client.get("/assessments/").content.decode()

    assert "▲ 1 up" in page and "▼ 0 down" in page and "2 the same" in page
    assert f"{skills[0].name}: 1 → 2" in page
    assert "Your first self-assessment" in page


def test_empty_history_invites_a_first_assessment(alice_client):
    assert "Take my first self-assessment" in alice_client.get("/assessments/").content.decode()


def test_detail_shows_levels_descriptors_and_change(alice_client, alice, catalogue):
    skills, _ = catalogue
    now = timezone.now()
    make_assessment(user=alice, levels={skills[0]: 1}, completed_at=now - dt.timedelta(days=9))
    latest = make_assessment(user=alice, levels={skills[0]: 3}, completed_at=now)

    page = alice_client.get(f"/assessments/{latest.pk}/").content.decode()

    assert f"{skills[0].name} at 3" in page
    assert "▲ from 1" in page


def test_another_users_assessment_is_404(alice, bob, catalogue):
    skills, _ = catalogue
    snapshot = make_assessment(user=alice, levels={skills[0]: 2})
    client = Client()
    client.force_login(bob)

    assert client.get(f"/assessments/{snapshot.pk}/").status_code == 404


def test_gaps_page_without_an_assessment_says_what_to_do(alice_client):
    assert (
        "Take my first self-assessment" in alice_client.get("/assessments/gaps/").content.decode()
    )


def test_gaps_page_without_a_role_asks_for_one(alice_client, alice, catalogue):
    skills, _ = catalogue
    make_assessment(user=alice, levels={skills[0]: 2})

    assert "Choose a target role" in alice_client.get("/assessments/gaps/").content.decode()


def test_gaps_page_gives_readiness_for_the_role_as_one_number(alice_client, alice, catalogue):
    """Rated 3, 1 and 4 against a target of 3 each: 3 + 1 + 3 of 9 levels, 2 skills at target."""
    skills, role = catalogue
    make_assessment(user=alice, levels=dict(zip(skills, [3, 1, 4], strict=True)), role=role)

    page = alice_client.get("/assessments/gaps/").content.decode()

    assert "<strong>Readiness: 78%</strong> of the levels the role asks for" in page
    assert "2 of 3 skills are at their target" in page
    assert "Skill gaps, largest first" in page


def test_top_gap_practice_button_starts_a_session_on_that_skill(alice_client, alice, catalogue):
    skills, role = catalogue
    make_assessment(user=alice, levels=dict(zip(skills, [0, 3, 3], strict=True)), role=role)
    on_skill = make_question(skills=[skills[0]])
    make_question(skills=[skills[1]])

    page = alice_client.get("/assessments/gaps/").content.decode()
    assert f'name="skills" value="{skills[0].slug}"' in page
    assert f"?skill={skills[0].slug}" in page

    alice_client.post(
        "/practice/",
        {
            "start": "1",
            "mode": "practice",
            "source": "mixed",
            "count": "5",
            "skills": skills[0].slug,
        },
    )
    session = PracticeSession.objects.get(user=alice)
    assert [a.question for a in session.attempts.all()] == [on_skill]


def test_gaps_page_flags_an_overconfident_skill(alice_client, alice, catalogue):
    skills, role = catalogue
    make_assessment(user=alice, levels=dict(zip(skills, [4, 2, 2], strict=True)), role=role)
    make_history(
        user=alice, questions=[make_question(skills=[skills[0]])], attempts_per_question=5, grade=1
    )

    page = alice_client.get("/assessments/gaps/").content.decode()

    assert "Rated 4, but your last 5 answers average 1.0: you may be over-confident here." in page


def _judged(alice, skill, *, grade, judge, n=3, status=AIReview.Status.DONE):
    make_history(
        user=alice, questions=[make_question(skills=[skill])], attempts_per_question=n, grade=grade
    )
    for attempt in Attempt.objects.filter(user=alice, question__skills=skill):
        make_ai_review(attempt, grade=judge, status=status)


def _judge_cell(page, skill):
    """The skill's "You / AI judge" cell of the calibration table."""
    calibration = page.split('id="calibration-caption"')[1].split("</table>")[0]
    row = re.search(rf"<th[^>]*>{skill.name}</th>.*?</tr>", calibration).group()
    # Rated, answers, mean grade, points ticked, then the judge.
    return re.findall(r"<td[^>]*>(.*?)</td>", row)[4]


def test_gaps_page_sets_the_ai_judges_grades_beside_mine(alice_client, alice, catalogue):
    skills, role = catalogue
    make_assessment(user=alice, levels=dict(zip(skills, [4, 2, 2], strict=True)), role=role)
    _judged(alice, skills[0], grade=4, judge=2)
    make_history(user=alice, questions=[make_question(skills=[skills[1]])], grade=2)

    page = alice_client.get("/assessments/gaps/").content.decode()

    assert (
        "You graded 4, the AI judge 2, on average over the 3 answers it reviewed: you may be "
        "grading yourself generously." in page
    )
    assert "You / AI judge" in page
    judged = re.sub(r"<[^>]+>", "", _judge_cell(page, skills[0]))
    assert judged == "4 / 2 on 3"
    assert _judge_cell(page, skills[1]) == "–"  # answered, but never reviewed


def test_gaps_page_without_ai_reviews_says_nothing_about_a_judge(alice_client, alice, catalogue):
    skills, role = catalogue
    make_assessment(user=alice, levels=dict(zip(skills, [4, 2, 2], strict=True)), role=role)
    _judged(alice, skills[0], grade=4, judge=2, status=AIReview.Status.FAILED)

    page = alice_client.get("/assessments/gaps/").content.decode()

    assert "AI judge" not in page


def test_a_review_finished_after_the_page_was_cached_shows_on_the_next_view(
    alice_client, alice, catalogue
):
    skills, role = catalogue
    make_assessment(user=alice, levels=dict(zip(skills, [3, 2, 2], strict=True)), role=role)
    _judged(alice, skills[0], grade=3, judge=3, n=1, status=AIReview.Status.QUEUED)
    assert "AI judge" not in alice_client.get("/assessments/gaps/").content.decode()

    # As the background task finishes it, after the answer and its grade.
    AIReview.objects.update(
        status=AIReview.Status.DONE, suggested_grade=1, finished_at=timezone.now()
    )

    page = alice_client.get("/assessments/gaps/").content.decode()
    assert "You graded 3, the AI judge 1, on the one answer it reviewed." in page


def test_the_dashboard_sets_the_judges_grades_beside_mine_even_before_a_self_assessment(
    alice_client, alice, catalogue
):
    skills, _ = catalogue
    _judged(alice, skills[0], grade=1, judge=3, n=4)

    page = alice_client.get("/dashboard/").content.decode()

    assert (
        "You graded 1, the AI judge 3, on average over the 4 answers it reviewed: you may be "
        "grading yourself harshly." in page
    )


@pytest.mark.parametrize(("coverage", "ticked", "shown"), [(0.8, 0.2, "20%"), (0.2, 0.8, "80%")])
def test_gaps_page_shows_the_share_of_points_the_learner_ticked_not_what_matching_found(
    alice_client, alice, catalogue, coverage, ticked, shown
):
    skills, role = catalogue
    make_assessment(user=alice, levels=dict(zip(skills, [2, 2, 2], strict=True)), role=role)
    make_history(
        user=alice,
        questions=[make_question(skills=[skills[0]])],
        attempts_per_question=3,
        coverage=coverage,
        ticked=ticked,
    )

    page = alice_client.get("/assessments/gaps/").content.decode()

    calibration = page.split('id="calibration-caption"')[1].split("</table>")[0]
    row = re.search(rf"<th[^>]*>{skills[0].name}</th>.*?</tr>", calibration).group()
    assert f'<td class="text-end">{shown}</td>' in row
    assert f"({shown} of points ticked)" in page
    assert f"{round(coverage * 100)}%" not in page


def test_interview_date_turns_the_gaps_into_a_plan(alice_client, alice, catalogue):
    skills, role = catalogue
    make_assessment(user=alice, levels=dict(zip(skills, [0, 1, 3], strict=True)), role=role)
    alice.profile.interview_date = timezone.localdate() + dt.timedelta(days=10)
    alice.profile.save()

    page = alice_client.get("/assessments/gaps/").content.decode()

    assert "Your plan until" in page
    assert "10 days left: focus on 2 skills this week." in page
    assert "including 1 mock interview" in page


def test_quick_start_follows_the_plan(alice_client, alice, catalogue):
    skills, role = catalogue
    make_assessment(user=alice, levels=dict(zip(skills, [3, 0, 3], strict=True)), role=role)
    alice.profile.interview_date = timezone.localdate() + dt.timedelta(days=20)
    alice.profile.save()
    planned = make_question(skills=[skills[1]])
    make_question(skills=[skills[0]])

    alice_client.post("/practice/", {"quick": "1"})

    session = PracticeSession.objects.get(user=alice)
    assert [a.question for a in session.attempts.all()] == [planned]


def test_profile_takes_a_target_role_and_an_interview_date(alice_client, alice, catalogue):
    _, role = catalogue

    alice_client.post(
        "/accounts/profile/",
        {
            "display_name": "",
            "target_role": role.pk,
            "interview_date": "2027-01-15",
            "daily_goal": "5",
            "time_zone": "UTC",
        },
    )

    alice.profile.refresh_from_db()
    assert alice.profile.target_role == role
    assert alice.profile.interview_date == dt.date(2027, 1, 15)


@pytest.mark.parametrize("snapshots", [1, 200])
def test_queries_do_not_grow_with_200_snapshots(client, snapshots, django_assert_max_num_queries):
    """Guards the history, gaps, form and detail pages against per-snapshot queries."""
    user = make_user()
    skills, role = make_catalogue(size=5)
    now = timezone.now()
    for n in range(snapshots):
        make_assessment(
            user=user,
            levels={skill: (n + i) % 5 for i, skill in enumerate(skills)},
            role=role,
            completed_at=now - dt.timedelta(days=snapshots - n),
        )
    make_history(user=user, questions=[make_question(skills=skills[:2])], attempts_per_question=12)
    latest = Assessment.objects.filter(user=user).order_by("-completed_at").first()
    client.force_login(user)
    client.get("/assessments/")  # the first request after login stores the time zone

    for url in (
        "/assessments/",
        "/assessments/?page=5",
        "/assessments/gaps/",
        "/assessments/new/",
        f"/assessments/{latest.pk}/",
    ):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200
