from django.contrib import admin

from assessments.models import GuideItem, GuideSection, SalaryBenchmark


class GuideItemInline(admin.StackedInline):
    model = GuideItem
    extra = 0
    prepopulated_fields = {"slug": ("title",)}


@admin.register(GuideSection)
class GuideSectionAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "order")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("title",)}
    search_fields = ("title", "intro")
    inlines = [GuideItemInline]


@admin.register(GuideItem)
class GuideItemAdmin(admin.ModelAdmin):
    list_display = ("title", "section", "order")
    list_filter = ("section",)
    list_select_related = ("section",)
    search_fields = ("title", "body", "remedy_title", "remedy")
    prepopulated_fields = {"slug": ("title",)}


@admin.register(SalaryBenchmark)
class SalaryBenchmarkAdmin(admin.ModelAdmin):
    list_display = ("country", "currency", "low", "average", "high", "usd_per_unit", "order")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("country",)}
    search_fields = ("country", "currency")
