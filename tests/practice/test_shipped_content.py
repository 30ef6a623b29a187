"""The shipped question bank and skills catalogue meet the bar a candidate can rely on."""

import re
from collections import Counter

import pytest

from assessments.models import LEVEL_MAX, LEVEL_MIN, RoleProfile, RubricLevel, Skill
from mlcareer.content import content_load
from practice.models import CommonMistake, Question, Topic

pytestmark = pytest.mark.django_db

# The interview questions of the role guide's source, each shipped as a question.
ROLE_INTERVIEW_QUESTIONS = [
    "experience-with-ml-algorithms",
    "handle-missing-data",
    "prevent-overfitting",
    "evaluate-model-performance",
    "experience-with-deep-learning-frameworks",
    "normalisation-and-feature-scaling",
    "ethical-and-unbiased-models",
]


@pytest.fixture
def bank(db):
    content_load()
    return Question.objects.published().prefetch_related("key_points", "skills")


def _words(markdown: str) -> int:
    return len(re.findall(r"[A-Za-z0-9][\w'’-]*", markdown))


def test_bank_has_at_least_150_published_questions_over_12_topics(bank):
    assert bank.count() >= 150
    assert Topic.objects.filter(questions__status="published").distinct().count() >= 12


def test_every_interview_question_of_the_role_is_in_the_bank(bank):
    shipped = set(bank.values_list("slug", flat=True))

    assert sorted(set(ROLE_INTERVIEW_QUESTIONS) - shipped) == []


def test_every_question_is_complete(bank):
    problems = []
    for question in bank:
        points = list(question.key_points.all())
        if _words(question.model_answer) < 80:
            problems.append(f"{question.slug}: model answer under 80 words")
        if not 3 <= len(points) <= 6:
            problems.append(f"{question.slug}: {len(points)} key points")
        if any(not point.keyword_list for point in points):
            problems.append(f"{question.slug}: a key point without keywords")
        if not question.skills.all():
            problems.append(f"{question.slug}: no skill")
        question.full_clean()
    assert problems == []


def test_titles_are_unique(bank):
    titles = [title.lower() for title in bank.values_list("title", flat=True)]

    assert len(titles) == len(set(titles))


def test_every_skill_has_five_distinct_rubric_levels(db):
    content_load()
    skills = Skill.objects.prefetch_related("rubric_levels")

    assert skills.count() >= 16
    for skill in skills:
        levels = list(skill.rubric_levels.all())
        assert [level.level for level in levels] == list(range(LEVEL_MIN, LEVEL_MAX + 1)), skill
        assert len({level.descriptor for level in levels}) == 5, skill
        assert len({level.title for level in levels}) == 5, skill


# Words that make the top level a people-management or organisation-wide role.
LEADERSHIP_WORDS = re.compile(
    r"\b(lead|leads|mentor\w*|coach\w*|manag\w+ (people|the team)"
    r"|the team's|your organisation's)\b",
    re.IGNORECASE,
)


def test_an_expert_individual_contributor_can_reach_the_top_level_of_every_skill(db):
    """No skill's top level asks anyone to lead a team, mentor others or set the practice of a
    team or organisation: it describes mastery of the skill itself."""
    content_load()
    top_levels = RubricLevel.objects.filter(level=LEVEL_MAX).select_related("skill")

    offending = {
        level.skill.slug: level.descriptor
        for level in top_levels
        if LEADERSHIP_WORDS.search(level.descriptor)
    }

    assert top_levels.count() == Skill.objects.count()
    assert offending == {}


def test_role_profiles_set_a_target_for_every_skill(db):
    content_load()
    skill_count = Skill.objects.count()
    profiles = RoleProfile.objects.prefetch_related("targets")

    assert profiles.count() >= 3
    for profile in profiles:
        assert len(profile.targets.all()) == skill_count, profile


def test_every_skill_is_exercised_by_some_question(bank):
    unexercised = Skill.objects.filter(questions__isnull=True).values_list("slug", flat=True)

    assert list(unexercised) == []


def test_shipped_common_mistakes_are_valid_and_cover_the_seed_questions_and_more(db):
    content_load()
    mistakes = list(CommonMistake.objects.select_related("question"))
    for mistake in mistakes:
        mistake.full_clean()
    per_question = Counter(mistake.question.slug for mistake in mistakes)

    assert {slug: per_question[slug] >= 2 for slug in ROLE_INTERVIEW_QUESTIONS} == dict.fromkeys(
        ROLE_INTERVIEW_QUESTIONS, True
    )
    assert sum(count >= 2 for count in per_question.values()) >= 37
    assert {m.question.kind for m in mistakes} == set(Question.Kind.values)
    assert all(m.question.status == Question.Status.PUBLISHED for m in mistakes)


def test_shipped_mistakes_state_a_claim_and_a_different_correction(db):
    content_load()
    mistakes = list(CommonMistake.objects.all())

    assert [
        m.claim for m in mistakes if m.claim.strip().lower() == m.correction.strip().lower()
    ] == []
    claims = [m.claim.lower() for m in mistakes]
    assert len(claims) == len(set(claims))


def test_loading_the_content_twice_adds_no_common_mistake(db):
    content_load()
    count = CommonMistake.objects.count()

    report = content_load()

    assert CommonMistake.objects.count() == count
    assert report.created == 0
