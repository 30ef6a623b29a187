"""Reads for the role guide at /role/."""

from django.db.models import Prefetch, QuerySet

from assessments.models import GuideItem, GuideSection, SalaryBenchmark


def guide_sections() -> QuerySet[GuideSection]:
    """Every section in display order, each with its items prefetched in order."""
    return GuideSection.objects.prefetch_related(
        Prefetch("items", queryset=GuideItem.objects.order_by("order", "title"))
    )


def salary_chart_data(benchmarks: list[SalaryBenchmark]) -> list[dict]:
    """The salary ranges converted to whole US dollars for one comparable chart.

    Each entry: country, currency, and low/average/high in USD at the row's stored rate.
    """
    return [
        {
            "country": row.country,
            "currency": row.currency,
            "low": row.in_usd(row.low),
            "average": row.in_usd(row.average),
            "high": row.in_usd(row.high),
        }
        for row in benchmarks
    ]
