import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from mlcareer.content import content_load
from tests.factories import make_guide_item, make_guide_section, make_salary

pytestmark = pytest.mark.django_db


def test_role_guide_shows_sections_items_and_remedies(client):
    section = make_guide_section(title="Challenges", intro="What gets in the way.")
    make_guide_item(
        section=section,
        title="Data quality",
        body="Dirty data misleads models.",
        remedy_title="Preprocessing",
        remedy="Clean it first.",
    )

    page = client.get("/role/").content.decode()

    assert "What gets in the way." in page
    assert "Data quality" in page
    assert "What helps: Preprocessing" in page
    assert "Clean it first." in page


def test_role_guide_lists_salaries_in_local_currency_with_separators(client):
    make_salary(
        country="Nigeria",
        currency="NGN",
        low=4_000_000,
        average=6_000_000,
        high=10_000_000,
    )

    page = client.get("/role/").content.decode()

    assert (
        '<th scope="row">Nigeria <span class="fw-normal text-body-secondary">(NGN)</span></th>'
        in page
    )
    assert "6,000,000" in page and "4,000,000" in page and "10,000,000" in page


def test_role_guide_shows_salaries_unconverted_and_says_why(client):
    """The source gives no exchange rates, so no figure is shown in another currency."""
    make_salary(country="Germany", currency="EUR", low=50_000, average=75_000, high=120_000)

    page = client.get("/role/").content.decode()

    assert "The source states no exchange rates" in page
    assert "US dollars" not in page and "USD" not in page
    assert "salary-chart" not in page
    assert "chart.umd.min.js" not in page


def test_shipped_guide_gives_the_general_pay_range_without_a_country(client):
    content_load()

    page = client.get("/role/").content.decode()

    assert "$90,000 to $150,000 a year as a general range" in page
    assert "without saying which country it applies to" in page
    assert "In the United States, typical pay" not in page


def test_role_guide_without_content_says_how_to_load_it(client):
    page = client.get("/role/").content.decode()

    assert "The role guide has no content yet" in page
    assert "Salaries by country" not in page


def test_role_guide_escapes_editor_text(client):
    make_guide_item(title="<script>alert(1)</script>")

    page = client.get("/role/").content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_role_guide_query_count_does_not_grow_with_content(client, django_assert_max_num_queries):
    """Guards against an N+1 over sections and their items."""
    content_load()
    for _ in range(5):
        section = make_guide_section()
        for _ in range(8):
            make_guide_item(section=section)
    # sections, their items (one prefetch), salaries; the session is not touched when anonymous
    with django_assert_max_num_queries(3):
        response = client.get("/role/")
    assert response.status_code == 200


def test_salary_average_must_lie_within_the_range():
    with pytest.raises(IntegrityError):
        make_salary(low=50_000, average=40_000, high=70_000)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"average": 90_000}, "The average must lie between the low and high figures."),
        ({"currency": "eur"}, "Use a three-letter currency code in capitals."),
    ],
)
def test_salary_validation_explains_the_rule_in_admin(fields, message):
    row = make_salary()
    for name, value in fields.items():
        setattr(row, name, value)

    with pytest.raises(ValidationError) as error:
        row.full_clean()

    assert message in str(error.value)


def test_a_remedy_needs_a_title():
    item = make_guide_item()
    item.remedy = "Do this."

    with pytest.raises(ValidationError, match="A remedy needs a title."):
        item.full_clean()


def test_admin_lists_and_edits_guide_content(client, editor):
    content_load()
    client.force_login(editor)

    assert client.get("/admin/assessments/salarybenchmark/").status_code == 200
    assert client.get("/admin/assessments/guidesection/").status_code == 200
    section = make_guide_section()
    assert client.get(f"/admin/assessments/guidesection/{section.pk}/change/").status_code == 200
