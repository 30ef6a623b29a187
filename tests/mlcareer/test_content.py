import json

import pytest
from django.apps import apps
from django.core.management import call_command

from assessments.models import GuideItem, GuideSection, SalaryBenchmark
from mlcareer.content import content_load, shipped_fixture_files

pytestmark = pytest.mark.django_db


def _shipped_counts():
    counts = {}
    for path in shipped_fixture_files():
        for entry in json.loads(path.read_text(encoding="utf-8")):
            model = apps.get_model(entry["model"])
            counts[model] = counts.get(model, 0) + 1
    return counts


def _row_counts():
    return {model: model.objects.count() for model in _shipped_counts()}


def test_loading_twice_leaves_exactly_one_copy_of_everything():
    first = content_load()
    after_first = _row_counts()
    second = content_load()

    assert after_first == _shipped_counts()
    assert _row_counts() == after_first
    assert first.created == sum(after_first.values())
    assert (second.created, second.updated, second.kept) == (0, 0, first.created)


def test_reload_keeps_editors_changes_unless_asked_to_overwrite():
    content_load()
    row = SalaryBenchmark.objects.get(slug="germany")
    shipped_average = row.average
    SalaryBenchmark.objects.filter(pk=row.pk).update(average=shipped_average + 1000)

    content_load()
    assert SalaryBenchmark.objects.get(pk=row.pk).average == shipped_average + 1000

    report = content_load(overwrite=True)
    assert SalaryBenchmark.objects.get(pk=row.pk).average == shipped_average
    assert report.updated == sum(_row_counts().values())
    assert SalaryBenchmark.objects.filter(slug="germany").count() == 1


def test_reload_restores_a_deleted_shipped_row_without_touching_editor_rows():
    content_load()
    GuideItem.objects.filter(slug="python").delete()
    own = GuideSection.objects.create(slug="editor-notes", title="Editor notes", order=99)

    report = content_load()

    assert report.created == 1
    assert GuideItem.objects.filter(slug="python").count() == 1
    assert GuideSection.objects.filter(pk=own.pk).exists()


def test_every_shipped_row_passes_model_validation():
    content_load()
    for model in _shipped_counts():
        for row in model.objects.all():
            row.full_clean()


def test_shipped_salary_table_covers_the_ten_countries():
    content_load()

    rows = {
        row.country: (row.currency, row.low, row.average, row.high)
        for row in SalaryBenchmark.objects.all()
    }

    assert len(rows) == 10
    assert rows["United States"] == ("USD", 80_000, 120_000, 180_000)
    assert rows["Nigeria"] == ("NGN", 4_000_000, 6_000_000, 10_000_000)
    assert rows["United Arab Emirates (Dubai)"] == ("AED", 180_000, 240_000, 360_000)


def test_shipped_guide_has_every_section_of_the_role():
    content_load()

    slugs = set(GuideSection.objects.values_list("slug", flat=True))

    assert {
        "what-the-role-does",
        "daily-tasks",
        "tools",
        "challenges",
        "kpis",
        "career-tips",
    } <= slugs
    challenges = GuideItem.objects.filter(section__slug="challenges")
    assert challenges.count() == 4
    assert all(item.remedy and item.remedy_title for item in challenges)


def test_command_reports_its_counts(capsys):
    call_command("load_content")
    call_command("load_content")

    out = capsys.readouterr().out.strip().splitlines()
    assert out[0].startswith(f"Loaded {len(shipped_fixture_files())} fixture files: ")
    assert " 0 created, 0 overwritten, " in out[1]
