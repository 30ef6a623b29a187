from django.contrib import admin

from assessments.models import (
    LEVEL_MAX,
    LEVEL_MIN,
    GuideItem,
    GuideSection,
    RoleProfile,
    RubricLevel,
    SalaryBenchmark,
    Skill,
    SkillArea,
    TargetLevel,
)


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
    list_display = ("country", "currency", "low", "average", "high", "order")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("country",)}
    search_fields = ("country", "currency")


@admin.register(SkillArea)
class SkillAreaAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


class RubricLevelInline(admin.TabularInline):
    model = RubricLevel
    extra = 0
    max_num = LEVEL_MAX - LEVEL_MIN + 1
    fields = ("level", "title", "descriptor")


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("name", "area", "slug", "order")
    list_filter = ("area",)
    list_select_related = ("area",)
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [RubricLevelInline]


class TargetLevelInline(admin.TabularInline):
    model = TargetLevel
    extra = 0
    autocomplete_fields = ("skill",)


@admin.register(RoleProfile)
class RoleProfileAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)
    inlines = [TargetLevelInline]
