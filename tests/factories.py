"""Builders for test rows: sensible defaults, any field overridable, unique values by counter."""

import itertools

from django.contrib.auth import get_user_model

from assessments.models import GuideItem, GuideSection, SalaryBenchmark
from mlcareer.accounts import account_create

DEFAULT_PASSWORD = "correct-horse-battery-staple"
_sequence = itertools.count(1)


def make_user(*, username=None, email=None, password=DEFAULT_PASSWORD, **fields):
    """A user with a profile, as sign-up makes them."""
    n = next(_sequence)
    username = username or f"user{n}"
    user = account_create(
        username=username, email=email or f"{username}@example.com", password=password
    )
    if fields:
        get_user_model().objects.filter(pk=user.pk).update(**fields)
        user.refresh_from_db()
    return user


def make_guide_section(**fields):
    n = next(_sequence)
    defaults = {"slug": f"section-{n}", "title": f"Section {n}", "order": n}
    return GuideSection.objects.create(**{**defaults, **fields})


def make_guide_item(*, section=None, **fields):
    n = next(_sequence)
    defaults = {
        "slug": f"item-{n}",
        "title": f"Item {n}",
        "body": f"Body of item {n}.",
        "order": n,
    }
    return GuideItem.objects.create(
        section=section or make_guide_section(), **{**defaults, **fields}
    )


def make_salary(**fields):
    n = next(_sequence)
    defaults = {
        "slug": f"country-{n}",
        "country": f"Country {n}",
        "currency": "EUR",
        "average": 50_000,
        "low": 40_000,
        "high": 70_000,
        "usd_per_unit": "1.10",
        "order": n,
    }
    return SalaryBenchmark.objects.create(**{**defaults, **fields})
