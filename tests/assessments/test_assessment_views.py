import datetime as dt
import logging
import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from assessments.models import Assessment, Rating, RoleProfile, TargetLevel
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


@pytest.fixture
def stepped(db):
    """Three skill areas (two skills, one, two) and a role with a target on each skill."""
    skills, role = make_catalogue(size=2)
    for size in (1, 2):
        more, _ = make_catalogue(size=size)
        skills += more
    for skill, level in zip(skills[2:], [4, 1, 2], strict=True):
        TargetLevel.objects.create(profile=role, skill=skill, level=level)
    RoleProfile.objects.exclude(pk=role.pk).update(order=1)  # the first role: the default
    return skills, role


def _start(client):
    """Start the full self-assessment from /assessments/new/; the draft and the step URL."""
    response = client.post("/assessments/new/", {"start": "1"})
    assert response.status_code == 302
    return Assessment.objects.get(status="draft"), response.url


def _step_url(draft, number):
    return f"/assessments/{draft.pk}/steps/{number}/"


def _summary(page):
    """The error summary at the top of a refused page, as text and its links."""
    match = re.search(r"<section[^>]*data-error-summary.*?</section>", page, re.S)
    assert match, "no error summary on the page"
    box = match.group()
    text = " ".join(re.sub(r"<[^>]+>", " ", box).split())
    return text, re.findall(r'<a class="alert-link" href="([^"]*)">([^<]+)</a>', box)


def test_the_way_in_offers_the_quick_start_and_the_full_assessment_in_steps(alice_client, stepped):
    skills, _ = stepped

    page = alice_client.get("/assessments/new/").content.decode()

    assert "Rate the five skills your target role needs most" in page
    assert "All 5 skills in 3 short steps" in page
    assert "Start with step 1 of 3" in page
    assert "Continue your self-assessment" not in page
    assert not Assessment.objects.exists(), "looking at the page starts nothing"


def test_a_step_shows_only_its_area_with_the_rubric_descriptors_and_the_progress(
    alice_client, stepped
):
    skills, _ = stepped
    draft, url = _start(alice_client)

    assert url == _step_url(draft, 1)
    page = alice_client.get(url).content.decode()

    assert "Step 1 of 3 · 0 of 5 skills rated" in page
    assert '<progress class="step-progress-bar" max="5" value="0"' in page
    for skill in skills[:2]:
        for level in range(5):
            assert f"{skill.name} at {level}" in page
    assert skills[2].name not in page.split("All 3 steps")[0]
    assert page.count('type="radio"') == 10
    assert page.count("<fieldset") == 2 and page.count("<legend") == 2
    assert "Save and continue" in page and ">Finish<" in page and ">Back<" not in page


def test_save_and_continue_saves_the_step_and_goes_to_the_next(alice_client, stepped):
    skills, _ = stepped
    draft, url = _start(alice_client)

    response = alice_client.post(
        url,
        {"next": "1", **_levels(skills[:2], [2, None]), f"evidence_{skills[1].slug}": "A course"},
    )

    assert response.url == _step_url(draft, 2)
    assert dict(draft.ratings.values_list("skill_id", "level")) == {
        skills[0].pk: 2,
        skills[1].pk: None,  # evidence kept, no level yet
    }
    page = alice_client.get(response.url).content.decode()
    assert "Step 2 of 3 · 1 of 5 skills rated" in page
    assert ">Back<" in page


def test_back_saves_too_and_the_step_shows_what_was_chosen(alice_client, stepped):
    skills, _ = stepped
    draft, _ = _start(alice_client)

    response = alice_client.post(_step_url(draft, 2), {"back": "1", **_levels(skills[2:3], [3])})

    assert response.url == _step_url(draft, 1)
    page = alice_client.get(_step_url(draft, 2)).content.decode()
    assert re.search(rf'name="level_{skills[2].slug}" value="3"[^>]*checked', page)


def test_the_list_of_steps_saves_and_jumps_to_any_step(alice_client, stepped):
    skills, _ = stepped
    draft, _ = _start(alice_client)

    response = alice_client.post(_step_url(draft, 1), {"goto": "3", **_levels(skills[:1], [1])})

    assert response.url == _step_url(draft, 3)
    assert draft.ratings.get(skill=skills[0]).level == 1


def test_save_and_continue_later_goes_to_the_list_which_offers_to_continue(alice_client, stepped):
    skills, _ = stepped
    draft, _ = _start(alice_client)
    alice_client.post(_step_url(draft, 1), {"next": "1", **_levels(skills[:2], [1, 2])})

    response = alice_client.post(
        _step_url(draft, 2), {"later": "1", **_levels(skills[2:3], [3])}, follow=True
    )

    assert response.redirect_chain == [("/assessments/", 302)]
    page = response.content.decode()
    assert "Saved: 3 of 5 skills rated. Continue whenever you like." in page
    assert "Continue your self-assessment (3 of 5 rated)" in page
    assert (
        "Continue your self-assessment (3 of 5 rated)"
        in alice_client.get("/assessments/new/").content.decode()
    )


def test_continuing_later_opens_the_first_step_with_a_skill_left(alice_client, stepped):
    skills, _ = stepped
    draft, _ = _start(alice_client)
    alice_client.post(_step_url(draft, 1), {"next": "1", **_levels(skills[:2], [1, 2])})

    assert alice_client.get(f"/assessments/{draft.pk}/").url == _step_url(draft, 2)
    again = alice_client.post("/assessments/new/", {"start": "1"})
    assert again.url == _step_url(draft, 2)
    assert Assessment.objects.count() == 1


def test_a_new_assessment_starts_from_the_last_snapshot(alice_client, alice, stepped):
    skills, _ = stepped
    make_assessment(user=alice, levels=dict(zip(skills, [1, 2, 3, 4, 0], strict=True)))

    draft, url = _start(alice_client)

    assert url == _step_url(draft, 1), "a new one starts at the first step, filled in"
    page = alice_client.get(_step_url(draft, 3)).content.decode()
    assert "Step 3 of 3 · 5 of 5 skills rated" in page
    assert re.search(rf'name="level_{skills[4].slug}" value="0"[^>]*checked', page)


def test_finishing_with_skills_left_counts_them_and_links_to_each(alice_client, stepped):
    skills, _ = stepped
    draft, _ = _start(alice_client)
    alice_client.post(_step_url(draft, 1), {"next": "1", **_levels(skills[:2], [2, None])})

    response = alice_client.post(
        _step_url(draft, 2),
        {"finish": "1", **_levels(skills[2:3], [3]), f"evidence_{skills[2].slug}": "Kaggle"},
    )

    assert response.status_code == 200
    page = response.content.decode()
    text, links = _summary(page)
    assert text.startswith("3 skills are not rated yet")
    assert links == [
        (f"{_step_url(draft, 1)}#id_level_{skills[1].slug}_0", skills[1].name),
        (f"{_step_url(draft, 3)}#id_level_{skills[3].slug}_0", skills[3].name),
        (f"{_step_url(draft, 3)}#id_level_{skills[4].slug}_0", skills[4].name),
    ]
    assert 'tabindex="-1" data-error-summary' in page
    assert "js/error_summary.js" in page
    assert "<title>Error: " in page
    # Nothing chosen is lost: this step's choice is on the page and saved.
    assert re.search(rf'name="level_{skills[2].slug}" value="3"[^>]*checked', page)
    assert "Kaggle" in page
    assert draft.ratings.get(skill=skills[2]).level == 3
    draft.refresh_from_db()
    assert draft.status == "draft"
    # Each link leads to a step that has an anchor for its skill.
    target = alice_client.get(_step_url(draft, 3)).content.decode()
    for skill in skills[3:]:
        assert f'id="id_level_{skill.slug}_0"' in target


def test_a_skill_left_on_the_page_itself_is_linked_in_place_and_marked(alice_client, stepped):
    skills, _ = stepped
    draft, _ = _start(alice_client)

    page = alice_client.post(
        _step_url(draft, 1), {"finish": "1", **_levels(skills[:2], [2, None])}
    ).content.decode()

    text, links = _summary(page)
    assert text.startswith("4 skills are not rated yet")
    assert links[0] == (f"#id_level_{skills[1].slug}_0", skills[1].name)
    assert page.count("Choose the level that fits you for this skill.") == 1
    assert f'aria-describedby="id_level_{skills[1].slug}-error"' in page


def test_finishing_with_every_skill_rated_saves_a_snapshot_and_shows_the_gaps(
    alice_client, alice, stepped
):
    skills, role = stepped
    draft, _ = _start(alice_client)
    alice_client.post(_step_url(draft, 1), {"next": "1", **_levels(skills[:2], [1, 3])})
    alice_client.post(_step_url(draft, 2), {"next": "1", **_levels(skills[2:3], [0])})

    response = alice_client.post(
        _step_url(draft, 3),
        {
            "finish": "1",
            "role_profile": role.pk,
            "note": "Before the Acme interview",
            **_levels(skills[3:], [1, 2]),
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/assessments/gaps/"
    assert "Self-assessment saved" in response.content.decode()
    snapshot = Assessment.objects.get(user=alice)
    assert snapshot.status == "complete" and snapshot.note == "Before the Acme interview"
    assert snapshot.ratings.count() == 5
    alice.profile.refresh_from_db()
    assert alice.profile.target_role == role


def test_the_last_step_takes_the_target_role_and_note_and_finishes_by_default(
    alice_client, stepped
):
    skills, _ = stepped
    draft, _ = _start(alice_client)

    page = alice_client.get(_step_url(draft, 3)).content.decode()

    assert 'name="role_profile"' in page and 'name="note"' in page
    buttons = re.findall(r'<button type="submit" name="(\w+)"', page)
    assert buttons[0] == "finish", "Enter in the form finishes on the last step"
    first = alice_client.get(_step_url(draft, 1)).content.decode()
    assert re.findall(r'<button type="submit" name="(\w+)"', first)[0] == "next"


def test_finish_pressed_twice_saves_one_snapshot(alice_client, alice, stepped):
    skills, _ = stepped
    draft, _ = _start(alice_client)
    alice_client.post(_step_url(draft, 1), {"next": "1", **_levels(skills[:2], [1, 3])})
    alice_client.post(_step_url(draft, 2), {"next": "1", **_levels(skills[2:3], [0])})
    data = {"finish": "1", **_levels(skills[3:], [1, 2])}

    first = alice_client.post(_step_url(draft, 3), data)
    second = alice_client.post(_step_url(draft, 3), data, follow=True)

    assert first.url == "/assessments/gaps/"
    assert second.redirect_chain == [("/assessments/gaps/", 302)]
    assert "Self-assessment saved" in second.content.decode()
    assert Assessment.objects.filter(user=alice).count() == 1


def test_a_finished_assessments_steps_lead_to_the_snapshot(alice_client, alice, stepped):
    skills, _ = stepped
    snapshot = make_assessment(user=alice, levels={skills[0]: 1})

    assert alice_client.get(_step_url(snapshot, 1)).url == f"/assessments/{snapshot.pk}/"
    late = alice_client.post(_step_url(snapshot, 1), {"next": "1", **_levels(skills[:1], [4])})
    assert late.url == f"/assessments/{snapshot.pk}/"
    assert snapshot.ratings.get().level == 1


def test_a_step_out_of_range_is_404(alice_client, stepped):
    draft, _ = _start(alice_client)

    assert alice_client.get(_step_url(draft, 4)).status_code == 404
    assert alice_client.get(_step_url(draft, 0)).status_code == 404


def test_another_users_draft_is_404_and_stays_as_it_was(alice, bob, stepped):
    skills, _ = stepped
    draft = make_assessment(user=alice, levels={skills[0]: 2}, status=Assessment.Status.DRAFT)
    client = Client()
    client.force_login(bob)

    assert client.get(_step_url(draft, 1)).status_code == 404
    assert client.post(_step_url(draft, 1), _levels(skills[:1], [4])).status_code == 404
    assert client.get(f"/assessments/{draft.pk}/").status_code == 404
    assert draft.ratings.get().level == 2


def test_steps_and_the_quick_start_need_the_csrf_token(alice, stepped):
    skills, role = stepped
    draft = make_assessment(user=alice, levels={}, status=Assessment.Status.DRAFT)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    for url, data in (
        (_step_url(draft, 1), {"next": "1", **_levels(skills[:1], [3])}),
        ("/assessments/new/", {"start": "1"}),
        ("/assessments/new/quick/", {"role_profile": role.pk, **_levels(skills, [1] * 5)}),
    ):
        assert client.post(url, data).status_code == 403
    assert not Rating.objects.exists()
    assert Assessment.objects.count() == 1


def test_a_form_over_the_upload_limit_comes_back_with_the_rest_kept(
    alice_client, alice, stepped, caplog
):
    """Django takes 2.5 MB a request; past that a form used to get a bare "Bad Request"."""
    skills, role = stepped
    draft, _ = _start(alice_client)
    data = {
        "role_profile": role.pk,
        "note": "Before the Acme interview",
        f"evidence_{skills[3].slug}": "A pasted log file. " * 160_000,  # 3 MB
        **_levels(skills[3:], [1, 3]),
        "later": "1",
    }

    with caplog.at_level(logging.WARNING):
        response = alice_client.post(
            _step_url(draft, 3), urlencode(data), content_type="application/x-www-form-urlencoded"
        )

    assert response.status_code == 200
    page = response.content.decode()
    assert "only the beginning of each long text arrived" in page
    assert "Ensure this value has at most 2000 characters" in page
    assert "A pasted log file. A pasted log file." in page
    assert "Before the Acme interview" in page
    assert re.search(rf'name="level_{skills[4].slug}" value="3"[^>]*checked', page)
    text, links = _summary(page)
    assert text.startswith("1 answer needs attention")
    [(href, message)] = links
    assert href == f"#id_evidence_{skills[3].slug}"
    assert message.startswith(
        f"Evidence for {skills[3].name} (optional): Ensure this value has at most 2000 characters"
    )
    assert not Rating.objects.exists()
    assert [r.levelname for r in caplog.records if r.levelno >= logging.WARNING] == ["WARNING"]


def test_out_of_range_level_is_refused(alice_client, stepped):
    skills, _ = stepped
    draft, _ = _start(alice_client)

    response = alice_client.post(
        _step_url(draft, 1), {"next": "1", f"level_{skills[0].slug}": "9"}
    )

    assert "Select a valid choice" in response.content.decode()
    assert not Rating.objects.exists()


def test_quick_start_asks_for_the_five_skills_the_target_role_expects_most(
    alice_client, alice, stepped
):
    skills, role = stepped
    extra, _ = make_catalogue(size=1)  # a sixth skill, targeted lowest
    TargetLevel.objects.create(profile=role, skill=extra[0], level=1)
    alice.profile.target_role = role
    alice.profile.save()

    page = alice_client.get("/assessments/new/quick/").content.decode()

    # Targets: 3, 3, 4, 1, 2 and the extra 1: the tie at 1 goes to the earlier skill.
    asked = re.findall(r"<legend[^>]*>([^<]+)</legend>", page)
    assert asked == [s.name for s in skills]
    assert f"Your target role, <strong>{role.name}</strong>" in page
    assert f"The {role.name} role expects level 4." in page
    assert f"{skills[0].name} at 2" in page  # anchored levels, not bare numbers
    assert "Show its five skills" not in page


def test_quick_start_without_a_target_role_offers_the_default_role_or_another(
    alice_client, stepped
):
    skills, role = stepped
    other, other_role = make_catalogue(size=1)
    RoleProfile.objects.filter(pk=other_role.pk).update(order=2)

    page = alice_client.get("/assessments/new/quick/").content.decode()
    assert "You have not chosen a target role yet" in page
    assert re.search(rf'<option value="{role.slug}" selected>', page)

    picked = alice_client.get(f"/assessments/new/quick/?role={other_role.slug}").content.decode()
    assert re.findall(r"<legend[^>]*>([^<]+)</legend>", picked) == [other[0].name]
    assert f'name="role_profile" value="{other_role.pk}"' in picked


def test_finishing_the_quick_start_saves_a_snapshot_of_five_and_gaps_say_the_rest_are_unrated(
    alice_client, alice, stepped
):
    skills, role = stepped
    extra, _ = make_catalogue(size=2)
    for skill in extra:
        TargetLevel.objects.create(profile=role, skill=skill, level=1)
    form = _hidden_fields(alice_client.get("/assessments/new/quick/").content.decode())

    response = alice_client.post(
        "/assessments/new/quick/",
        {**form, "finish": "1", **_levels(skills, [3, 3, 1, 1, 2])},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/assessments/gaps/"
    snapshot = Assessment.objects.get(user=alice)
    assert snapshot.status == "complete" and snapshot.ratings.count() == 5
    alice.profile.refresh_from_db()
    assert alice.profile.target_role == role
    page = response.content.decode()
    assert "Self-assessment saved with 5 skills rated" in page
    assert "2 skills the" in page and "are not rated yet, so their gaps are unknown" in page
    table = page.split('id="gap-caption"')[1].split("</table>")[0]
    for skill in extra:
        row = re.search(rf"<th[^>]*>{skill.name}</th>.*?</tr>", table).group()
        assert re.findall(r"<td[^>]*>(.*?)</td>", row) == ["not rated", "1", "–"]
    ranked = re.findall(r'<th scope="row" class="fw-normal">([^<]+)</th>', table)
    assert ranked[-2:] == [extra[0].name, extra[1].name], "unrated skills come last"
    cards = page.split('id="gaps-title"')[1].split("<table")[0]
    assert extra[0].name not in cards, "an unrated skill is no top gap"


def test_the_quick_start_with_a_skill_left_counts_it_and_keeps_the_rest(alice_client, stepped):
    skills, _ = stepped
    form = _hidden_fields(alice_client.get("/assessments/new/quick/").content.decode())

    response = alice_client.post(
        "/assessments/new/quick/",
        {
            **form,
            "finish": "1",
            **_levels(skills, [3, None, 1, None, 2]),
            f"evidence_{skills[1].slug}": "Half a course",
        },
    )

    page = response.content.decode()
    text, links = _summary(page)
    assert text.startswith("2 skills are not rated yet")
    assert links == [
        (f"#id_level_{skills[1].slug}_0", skills[1].name),
        (f"#id_level_{skills[3].slug}_0", skills[3].name),
    ]
    assert re.search(rf'name="level_{skills[0].slug}" value="3"[^>]*checked', page)
    assert "Half a course" in page
    assert not Assessment.objects.exists()


def test_the_quick_start_sent_twice_saves_one_snapshot(alice_client, alice, stepped):
    skills, _ = stepped
    form = _hidden_fields(alice_client.get("/assessments/new/quick/").content.decode())
    data = {**form, "finish": "1", **_levels(skills, [3, 3, 1, 1, 2])}

    alice_client.post("/assessments/new/quick/", data)
    alice_client.post("/assessments/new/quick/", data)

    assert Assessment.objects.filter(user=alice).count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_finishes_at_once_save_one_snapshot(threads_db):
    skills, role = make_catalogue(size=3, target=3)
    alice = make_user(username="alice")
    client = Client()
    client.force_login(alice)
    draft, _ = _start(client)
    data = {"finish": "1", "role_profile": role.pk, **_levels(skills, [1, 3, 2])}

    responses = run_at_once(lambda: same_browser(client).post(_step_url(draft, 1), data), times=20)

    assert [r.status_code for r in responses] == [302] * 20
    assert {r.url for r in responses} == {"/assessments/gaps/"}
    assert Assessment.objects.filter(user=alice).count() == 1
    assert Assessment.objects.get().status == "complete"


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
    draft, _ = _start(client)

    for url in (
        "/assessments/",
        "/assessments/?page=5",
        "/assessments/gaps/",
        "/assessments/new/",
        "/assessments/new/quick/",
        _step_url(draft, 1),
        f"/assessments/{latest.pk}/",
    ):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200
    with django_assert_max_num_queries(16):
        saved = client.post(_step_url(draft, 1), {"later": "1", **_levels(skills, [1] * 5)})
        assert saved.status_code == 302
