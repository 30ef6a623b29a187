"""The shipped question bank and skills catalogue meet the bar a candidate can rely on."""

import re
from collections import Counter

import pytest
from django.db.models import Count, Q

from assessments.models import LEVEL_MAX, LEVEL_MIN, RoleProfile, RubricLevel, Skill
from mlcareer.content import content_load
from practice.models import CommonMistake, Question, Topic

pytestmark = pytest.mark.django_db


MIN_PUBLISHED_QUESTIONS = 330
MIN_TOPICS = 20
MIN_WORDS = {
    Question.Kind.CONCEPTUAL: 120,
    Question.Kind.CODING: 120,
    Question.Kind.SYSTEM_DESIGN: 300,
    # Not raised by the standard: a STAR story is judged by its shape, not its length.
    Question.Kind.BEHAVIOURAL: 80,
}
KEY_POINTS = range(4, 7)
MIN_COMMON_MISTAKES = 2
MIN_QUESTIONS_PER_SKILL = 8
# Probability and statistics puzzles carry no mark of their own, so the topic's count stands
# for them: the 12 questions it had before the puzzles, plus 8.
STATISTICS_BEFORE_PUZZLES = 12
# Published questions per topic slug that each area of the syllabus needs.
AREA_MINIMUMS = {
    "llms-generative-ai": 24,
    "recommender-systems": 12,
    "algorithms-data-structures": 24,
    "experimentation-causal-inference": 10,
    "statistics-probability": STATISTICS_BEFORE_PUZZLES + 8,
    "computer-vision": 8,
    "nlp": 8,
    "time-series": 8,
    "model-compression": 8,
    "distributed-large-scale": 8,
}
# Full ML system design prompts: questions of kind system design in the design topic.
MIN_DESIGN_PROMPTS = 14
# An expert (level 4) is judged on their own work: leading people belongs to the skills that
# are about working with people.
PEOPLE_SKILLS = {"collaboration", "communication"}
LEADING_PEOPLE = re.compile(
    r"\blead(?:s|ing)? (?:the|a|your) team\b|\bmentor|\bmanag(?:e|es|ed|ing|er|ers|ement)\b"
    r"|\borgani[sz]ation-wide\b|\bdirect reports\b|\bline[- ]manag",
    re.IGNORECASE,
)

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


def test_bank_has_at_least_330_published_questions_over_20_topics(bank):
    questions = bank.count()
    topics = Topic.objects.filter(questions__status="published").distinct().count()

    assert questions >= MIN_PUBLISHED_QUESTIONS, f"{questions} published questions"
    assert topics >= MIN_TOPICS, f"{topics} topics with published questions"


def test_every_interview_question_of_the_role_is_in_the_bank(bank):
    shipped = set(bank.values_list("slug", flat=True))

    assert sorted(set(ROLE_INTERVIEW_QUESTIONS) - shipped) == []


def test_every_question_is_complete(bank):
    problems = []
    for question in bank:
        points = list(question.key_points.all())
        if len(points) not in KEY_POINTS:
            problems.append(f"{question.slug}: {len(points)} key points, not 4 to 6")
        if any(not point.keyword_list for point in points):
            problems.append(f"{question.slug}: a key point without keywords")
        if not question.skills.all():
            problems.append(f"{question.slug}: no skill")
        question.full_clean()
    assert problems == []


def _short_answers(bank, kinds) -> list[str]:
    return [
        f"{question.slug}: {_words(question.model_answer)} words, under {MIN_WORDS[question.kind]}"
        for question in bank.filter(kind__in=kinds)
        if _words(question.model_answer) < MIN_WORDS[question.kind]
    ]


def test_conceptual_and_coding_model_answers_have_at_least_120_words(bank):
    assert _short_answers(bank, [Question.Kind.CONCEPTUAL, Question.Kind.CODING]) == []


def test_behavioural_model_answers_have_at_least_80_words(bank):
    assert _short_answers(bank, [Question.Kind.BEHAVIOURAL]) == []


def test_design_model_answers_have_at_least_300_words(bank):
    assert _short_answers(bank, [Question.Kind.SYSTEM_DESIGN]) == []


def test_every_published_question_names_at_least_two_common_mistakes(bank):
    counts = bank.annotate(mistakes=Count("common_mistakes")).values_list("slug", "mistakes")

    assert [slug for slug, mistakes in counts if mistakes < MIN_COMMON_MISTAKES] == []


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


def test_every_skill_is_exercised_by_at_least_8_published_questions(bank):
    counts = Skill.objects.annotate(
        published=Count("questions", filter=Q(questions__status=Question.Status.PUBLISHED))
    ).values_list("slug", "published")

    assert {slug: n for slug, n in counts if n < MIN_QUESTIONS_PER_SKILL} == {}


@pytest.mark.parametrize(
    ("topic", "minimum"),
    [pytest.param(topic, minimum) for topic, minimum in AREA_MINIMUMS.items()],
)
def test_each_area_of_the_syllabus_has_its_minimum_of_published_questions(bank, topic, minimum):
    count = bank.filter(topic__slug=topic).count()

    assert count >= minimum, f"{count} published questions in {topic}"


def test_ml_system_design_has_at_least_14_full_design_prompts(bank):
    designs = bank.filter(topic__slug="ml-system-design", kind=Question.Kind.SYSTEM_DESIGN)

    assert designs.count() >= MIN_DESIGN_PROMPTS, f"{designs.count()} design prompts"


def test_mathematics_is_a_skill_with_five_levels_and_a_target_in_every_role(db):
    content_load()
    mathematics = Skill.objects.filter(slug="mathematics").first()

    assert mathematics is not None, "no skill has the slug mathematics"
    assert sorted(mathematics.rubric_levels.values_list("level", flat=True)) == list(
        range(LEVEL_MIN, LEVEL_MAX + 1)
    )
    profiles = RoleProfile.objects.all()
    assert profiles.exists()
    assert [p.slug for p in profiles if not p.targets.filter(skill=mathematics).exists()] == []


def test_expert_level_descriptors_ask_for_no_leading_of_people_outside_people_skills(db):
    """Level 4 of a technical skill describes the expert's own work, so that an individual
    contributor can reach it; mentoring and managing belong to collaboration and
    communication."""
    content_load()
    expert = RubricLevel.objects.filter(level=LEVEL_MAX).exclude(skill__slug__in=PEOPLE_SKILLS)

    assert {
        level.skill.slug: LEADING_PEOPLE.findall(level.descriptor)
        for level in expert.select_related("skill")
        if LEADING_PEOPLE.search(level.descriptor)
    } == {}


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


def test_shipped_prices_and_code_with_dollars_show_as_written_not_as_math(bank):
    from practice.rendering import markdown_display_problems, render_markdown

    with_dollars = [q for q in bank if "$" in q.prompt + q.model_answer]

    assert with_dollars  # "$3 per million tokens", "df$plan" in R code
    for question in with_dollars:
        for text in (question.prompt, question.model_answer):
            assert "math-" not in render_markdown(text), question.slug
            assert markdown_display_problems(text) == [], question.slug


def test_every_shipped_text_shows_as_written(bank):
    from practice.rendering import markdown_display_problems

    problems = {
        question.slug: found
        for question in bank
        for found in [
            markdown_display_problems(question.prompt)
            + markdown_display_problems(question.model_answer)
        ]
        if found
    }

    assert problems == {}
