import pytest
from playwright.sync_api import expect

from assessments.models import Assessment, RoleProfile, Skill
from mlcareer.content import content_load, shipped_fixture_files
from practice.models import PracticeSession
from tests.browser.conftest import assert_accessible, assert_fits_width, log_in
from tests.factories import make_catalogue, make_question, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The shipped rubrics have long descriptors: a step of them on a phone must stay short.
STEP_HEIGHT_MAX = 6_000


def _shipped_skills_and_roles():
    files = [
        path
        for path in shipped_fixture_files()
        if path.name in ("30_skills.json", "32_rubrics.json", "35_roles.json")
    ]
    content_load(files=files)


def _height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def _focused(page, script: str):
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {script}; }})()")


def test_first_assessment_then_gaps_then_practice_the_top_gap(page, live_server):
    skills, role = make_catalogue(size=3, target=3)
    question = make_question(title="A question on the weakest skill", skills=[skills[1]])
    make_user(username="alice")
    log_in(page, live_server)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Skills").click()
    page.get_by_role("link", name="Take my first self-assessment").click()
    expect(page.get_by_role("heading", name="Rate yourself on each skill")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Start with step 1 of 1").click()

    expect(page.get_by_text("Step 1 of 1 · 0 of 3 skills rated")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Target role").select_option(label=role.name)
    for skill, level in zip(skills, (3, 0, 2), strict=True):
        page.get_by_role("group", name=skill.name).get_by_text(f"{level} · Level {level}").click()
    page.get_by_role("button", name="Finish and see my gaps").click()

    expect(page).to_have_url(live_server.url + "/assessments/gaps/")
    expect(page.get_by_text("Self-assessment saved")).to_be_visible()
    first_gap = page.locator("article").first
    expect(first_gap).to_contain_text(f"1. {skills[1].name}")
    expect(first_gap).to_contain_text("gap 3")
    assert_accessible(page)

    first_gap.get_by_role("button", name=f"Practise {skills[1].name} now").click()
    expect(page.get_by_role("heading", name=question.title)).to_be_visible()
    assert [a.question for a in PracticeSession.objects.get().attempts.all()] == [question]
    assert Assessment.objects.get().status == "complete"


def test_quick_start_on_a_phone_by_keyboard_rates_five_and_shows_the_rest_unrated(
    phone_page, live_server
):
    _shipped_skills_and_roles()
    make_user(username="alice")
    page = phone_page
    log_in(page, live_server)
    default = RoleProfile.objects.first()

    page.goto(live_server.url + "/assessments/new/")
    assert_fits_width(page)
    assert_accessible(page)
    page.get_by_role("link", name="Rate the five skills your target role needs most").click()

    expect(page.get_by_role("heading", name="Rate the five skills")).to_be_visible()
    expect(page.get_by_label("The role you are aiming at")).to_have_value(default.slug)
    groups = page.locator("fieldset.skill-rating")
    expect(groups).to_have_count(5)
    assert_fits_width(page)
    assert_accessible(page)
    assert _height(page) < STEP_HEIGHT_MAX

    # Keyboard alone: into each group's radios, the arrow keys choose a level.
    for index in range(5):
        groups.nth(index).locator("input[type=radio]").first.focus()
        page.keyboard.press("Space")  # level 0
        page.keyboard.press("ArrowDown")  # level 1
        page.keyboard.press("ArrowDown")  # level 2
        assert _focused(page, "el.type === 'radio' && el.checked && el.value") == "2"
    page.keyboard.press("Enter")

    expect(page).to_have_url(live_server.url + "/assessments/gaps/")
    expect(page.get_by_text("Self-assessment saved with 5 skills rated")).to_be_visible()
    expect(page.get_by_text("17 skills the")).to_contain_text("not rated yet")
    expect(page.locator("#gap-caption + thead + tbody").get_by_text("not rated")).to_have_count(17)
    assert_fits_width(page)
    assert_accessible(page)
    snapshot = Assessment.objects.get()
    assert snapshot.status == "complete"
    assert set(snapshot.ratings.values_list("level", flat=True)) == {2}
    assert snapshot.ratings.count() == 5


def test_steps_by_keyboard_on_a_phone_save_continue_and_jump_to_what_is_left(
    phone_page, live_server
):
    _shipped_skills_and_roles()
    make_user(username="alice")
    page = phone_page
    log_in(page, live_server)
    first_area = Skill.objects.order_by("area__order", "order").first().area

    page.goto(live_server.url + "/assessments/new/")
    page.get_by_role("button", name="Start with step 1 of 9").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name=first_area.name)).to_be_visible()
    expect(page.get_by_text("Step 1 of 9 · 0 of 22 skills rated")).to_be_visible()
    assert_fits_width(page)
    assert_accessible(page)
    heights = [_height(page)]

    # Rate the first skill with the keyboard; Enter saves the step and goes on.
    page.locator("fieldset.skill-rating input[type=radio]").first.focus()
    page.keyboard.press("Space")  # level 0
    page.keyboard.press("ArrowDown")  # level 1
    page.keyboard.press("Enter")
    expect(page.get_by_text("Step 2 of 9 · 1 of 22 skills rated")).to_be_visible()

    # Walk every step with "Save and continue", measuring each on the phone.
    for number in range(2, 9):
        heights.append(_height(page))
        assert_fits_width(page)
        page.get_by_role("button", name="Save and continue", exact=True).focus()
        page.keyboard.press("Enter")
        expect(page.get_by_text(f"Step {number + 1} of 9")).to_be_visible()
    heights.append(_height(page))
    assert_accessible(page)
    assert max(heights) < STEP_HEIGHT_MAX, heights

    # Finishing with twenty-one skills left: the summary counts them and takes the focus.
    page.get_by_role("button", name="Finish and see my gaps").focus()
    page.keyboard.press("Enter")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("21 skills are not rated yet")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(21)
    assert_fits_width(page)
    assert_accessible(page)

    # Its first link leads to step 1, to the skill, with the focus on the skill's choices.
    second = Skill.objects.order_by("area__order", "order")[1]
    link = summary.get_by_role("link", name=second.name)
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{page.url.split('/steps/')[0]}/steps/1/#id_level_{second.slug}_0")
    page.wait_for_function(
        "id => document.activeElement.closest('fieldset')?.id === id", arg=f"skill-{second.slug}"
    )
    # The level chosen before is still there.
    first = Skill.objects.order_by("area__order", "order").first()
    expect(page.locator(f"#skill-{first.slug} input[value='1']")).to_be_checked()

    # Leave and come back later: the list offers to continue where it stopped.
    page.get_by_role("button", name="Save and continue later").click()
    expect(page.get_by_text("Saved: 1 of 22 skills rated")).to_be_visible()
    page.get_by_role("link", name="Continue your self-assessment (1 of 22 rated)").first.click()
    expect(page.get_by_text("Step 1 of 9 · 1 of 22 skills rated")).to_be_visible()
    assert Assessment.objects.get().status == "draft"


def test_steps_work_without_javascript(browser, live_server):
    first_area, _ = make_catalogue(size=2)
    second_area, _ = make_catalogue(size=1)
    make_user(username="alice")
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 360, "height": 740}
    )
    page = context.new_page()
    page.set_default_timeout(5_000)
    log_in(page, live_server)

    page.goto(live_server.url + "/assessments/new/")
    page.get_by_role("button", name="Start with step 1 of 2").click()
    page.get_by_role("group", name=first_area[0].name).get_by_text("3 · Level 3").click()
    page.get_by_role("button", name="Save and continue", exact=True).click()
    expect(page.get_by_text("Step 2 of 2 · 1 of 3 skills rated")).to_be_visible()
    page.get_by_role("group", name=second_area[0].name).get_by_text("1 · Level 1").click()
    page.get_by_role("button", name="Finish and see my gaps").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("1 skill is not rated yet")
    summary.get_by_role("link", name=first_area[1].name).click()
    # The link names the skill's first choice: the browser itself focuses it.
    expect(page.locator(f"#id_level_{first_area[1].slug}_0")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator(f"#id_level_{first_area[0].slug}_3")).to_be_checked()
    page.get_by_role("button", name="Save and continue", exact=True).click()
    page.get_by_role("button", name="Finish and see my gaps").click()

    expect(page).to_have_url(live_server.url + "/assessments/gaps/")
    assert sorted(
        Assessment.objects.get(status="complete").ratings.values_list("level", flat=True)
    ) == [0, 1, 3]
    context.close()
