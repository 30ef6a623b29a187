"""Reads for the role guide at /role/."""

from django.db.models import Prefetch, QuerySet

from assessments.models import GuideItem, GuideSection


def guide_sections() -> QuerySet[GuideSection]:
    """Every section in display order, each with its items prefetched in order."""
    return GuideSection.objects.prefetch_related(
        Prefetch("items", queryset=GuideItem.objects.order_by("order", "title"))
    )
