from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportModelAdmin
from import_export.forms import ConfirmImportForm, ImportForm

from practice.curation import question_duplicate, questions_set_status
from practice.import_formats import QUESTION_FORMATS
from practice.import_staging import staged_import_exists
from practice.models import (
    AIReview,
    CommonMistake,
    KeyPoint,
    Question,
    QuestionFlag,
    Term,
    Topic,
)
from practice.rendering import render_markdown
from practice.resources import QuestionResource
from practice.search import question_ids_matching, search_index_refresh
from practice.statistics import content_statistics, questions_with_usage

IMPORT_MAX_BYTES = 2 * 1024 * 1024
COMMENT_PREVIEW_CHARS = 120
STAGED_IMPORT_MISSING = (
    "This upload is unknown or has expired (an upload waits a day for its confirmation, and "
    "only its uploader can confirm it). Nothing was imported: upload the file again."
)


def preview(text: str, limit: int) -> str:
    """`text` on one line, cut at the last word that fits in `limit` characters with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(",;:.") + "…"


def _share(part: int, whole: int) -> str:
    return "–" if not whole else f"{round(100 * part / whole)}%"


class PermissionedImportExportMixin:
    """Import and export only for those allowed to make and see the same changes by hand.

    django-import-export allows both to any member of staff unless told otherwise. An import
    creates and overwrites rows, so it needs the add and the change permission; an export shows
    every row, so it needs the view permission.
    """

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)


class QuestionImportForm(ImportForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                f"{IMPORT_MAX_BYTES // 1024 // 1024} MB. Split it into smaller files."
            )
        upload.uploaded_by = self.user
        return upload


class StagedImportConfirmForm(ConfirmImportForm):
    """The confirmation of an import: it may only name an upload of the same user."""

    import_file_name = forms.CharField(
        widget=forms.HiddenInput(),
        error_messages={
            "required": STAGED_IMPORT_MISSING,
            "null_characters_not_allowed": STAGED_IMPORT_MISSING,
        },
    )

    def __init__(self, *args, user, format_count, resource_count, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.counts = {"format": format_count, "resource": resource_count}

    def clean_import_file_name(self):
        token = self.cleaned_data["import_file_name"]
        if not staged_import_exists(token=token, user=self.user, now=timezone.now()):
            raise forms.ValidationError(STAGED_IMPORT_MISSING)
        return token

    def _clean_choice(self, name: str) -> str:
        value = self.cleaned_data[name] or "0"
        if not value.isdigit() or int(value) >= self.counts[name]:
            raise forms.ValidationError(
                f"The confirmation names no known {name}. Nothing was imported: upload the "
                "file again."
            )
        return value

    def clean_format(self):
        return self._clean_choice("format")

    def clean_resource(self):
        return self._clean_choice("resource")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "order", "published_questions")
    list_editable = ("order",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "description")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                published_count=Count(
                    "questions", filter=Q(questions__status=Question.Status.PUBLISHED)
                )
            )
        )

    @admin.display(description="published questions", ordering="published_count")
    def published_questions(self, topic):
        return topic.published_count


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    """Equivalent words for the answer matcher; a change applies to the next answer matched."""

    list_display = ("phrase", "equivalents", "slug")
    search_fields = ("phrase", "equivalents", "slug")
    prepopulated_fields = {"slug": ("phrase",)}


class NumberedInlineFormSet(forms.BaseInlineFormSet):
    """Rows left without an order are numbered after the highest order given.

    "Add another" copies a blank row, so a default order would repeat on every new row and
    trip the one-order-per-question constraint.
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["order"].required = False
        form.fields["order"].initial = None
        form.fields["order"].widget.attrs["placeholder"] = "next"

    def clean(self):
        kept = [
            form
            for form in self.forms
            if form.is_valid()
            and not self._should_delete_form(form)
            and (form.has_changed() or form.instance.pk)
        ]
        # Rows left as they were keep their numbers too, so new rows go after them.
        numbered = [form.cleaned_data.get("order") for form in kept]
        following = max([order for order in numbered if order] + [0]) + 1
        for form in kept:
            if not form.cleaned_data.get("order"):
                form.cleaned_data["order"] = form.instance.order = following
                following += 1
        super().clean()


class KeyPointForm(forms.ModelForm):
    class Meta:
        model = KeyPoint
        fields = ("order", "text", "keywords")
        widgets = {
            "order": forms.NumberInput(attrs={"class": "vIntegerField"}),
            "text": forms.Textarea(attrs={"rows": 2, "cols": 44}),
            # One comma-separated line, as the import format writes it.
            "keywords": forms.TextInput(attrs={"size": 36}),
        }


class KeyPointInline(admin.TabularInline):
    model = KeyPoint
    form = KeyPointForm
    formset = NumberedInlineFormSet
    extra = 1


class CommonMistakeForm(forms.ModelForm):
    class Meta:
        model = CommonMistake
        fields = ("order", "claim", "correction")
        widgets = {
            "claim": forms.Textarea(attrs={"rows": 3, "cols": 34}),
            "correction": forms.Textarea(attrs={"rows": 4, "cols": 50}),
        }


class CommonMistakeInline(admin.TabularInline):
    """Wrong claims candidates make, each with its correction; learners see them after
    answering."""

    model = CommonMistake
    form = CommonMistakeForm
    formset = NumberedInlineFormSet
    extra = 1
    verbose_name_plural = "Common mistakes (shown to learners after they answer)"


@admin.register(Question)
class QuestionAdmin(PermissionedImportExportMixin, ImportExportModelAdmin):
    resource_classes = [QuestionResource]
    import_form_class = QuestionImportForm
    confirm_form_class = StagedImportConfirmForm
    import_error_display = ("message",)
    import_template_name = "admin/practice/question/import.html"
    import_formats = QUESTION_FORMATS
    export_formats = QUESTION_FORMATS
    list_display = (
        "title",
        "topic",
        "difficulty",
        "kind",
        "status",
        "skill_names",
        "attempts",
        "average_grade",
        "skipped",
        "cut_off",
        "looked_at",
        "open_flags",
    )
    change_list_template = "admin/practice/question/change_list.html"
    list_filter = ("status", "topic", "difficulty", "kind", "skills", "source_name")
    list_select_related = ("topic",)
    # The search box also finds the words of the title, prompt, model answer and key points
    # by their stems (get_search_results).
    search_fields = ("slug", "source_name")
    search_help_text = (
        "Words of the title, prompt, model answer or key points, or part of a slug or source."
    )
    autocomplete_fields = ("skills",)
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("preview", "author", "created", "updated")
    inlines = [KeyPointInline, CommonMistakeInline]
    actions = ["publish", "retire", "duplicate"]
    fieldsets = [
        (None, {"fields": ("title", "slug", "topic", "skills", "status")}),
        ("Question", {"fields": ("prompt", "difficulty", "kind", "suggested_minutes")}),
        ("Answer", {"fields": ("model_answer",)}),
        ("Source", {"fields": ("source_name", "source_url", "source_licence")}),
        ("Preview", {"fields": ("preview",)}),
        ("History", {"fields": ("author", "created", "updated"), "classes": ("collapse",)}),
    ]

    def get_queryset(self, request):
        return questions_with_usage(super().get_queryset(request).prefetch_related("skills"))

    def get_urls(self):
        statistics = path(
            "statistics/",
            self.admin_site.admin_view(self.statistics_view),
            name="practice_question_statistics",
        )
        return [statistics, *super().get_urls()]

    def statistics_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Question bank statistics",
            **content_statistics(),
        }
        return TemplateResponse(request, "admin/practice/question/statistics.html", context)

    @admin.display(description="attempts", ordering="attempt_count")
    def attempts(self, question):
        return question.attempt_count

    @admin.display(description="avg grade", ordering="mean_grade")
    def average_grade(self, question):
        return "–" if question.mean_grade is None else f"{question.mean_grade:.1f}"

    @admin.display(description="skipped", ordering="skip_count")
    def skipped(self, question):
        return _share(question.skip_count, question.attempt_count)

    @admin.display(description="cut off at time-up", ordering="cut_off_count")
    def cut_off(self, question):
        return _share(question.cut_off_count, question.attempt_count)

    @admin.display(description="answer looked at", ordering="looked_count")
    def looked_at(self, question):
        return _share(question.looked_count, question.attempt_count)

    @admin.display(description="skills")
    def skill_names(self, question):
        return ", ".join(skill.name for skill in question.skills.all())

    @admin.display(description="open flags", ordering="open_flag_count")
    def open_flags(self, question):
        return question.open_flag_count

    @admin.display(description="how users see it")
    def preview(self, question):
        if not question.pk:
            return "Save the question to see the preview."
        return format_html(
            '<div class="question-preview"><h3>{}</h3>{}<h4>Model answer</h4>{}</div>',
            question.title,
            render_markdown(question.prompt),
            render_markdown(question.model_answer),
        )

    def get_import_form_kwargs(self, request):
        return {**super().get_import_form_kwargs(request), "user": request.user}

    def get_confirm_form_kwargs(self, request, import_form=None):
        return {
            **super().get_confirm_form_kwargs(request, import_form),
            "user": request.user,
            "format_count": len(self.get_import_formats()),
            "resource_count": len(self.get_import_resource_classes(request)),
        }

    def write_to_tmp_storage(self, import_file, input_format):
        storage = self.get_tmp_storage_class()(
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
            user=import_file.uploaded_by,
            **self.get_tmp_storage_class_kwargs(),
        )
        storage.save(b"".join(import_file.chunks()))
        return storage

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """Confirm an import, or say why the staged upload can't be used and start again."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid():
            for errors in confirm_form.errors.values():
                messages.error(request, " ".join(errors))
            return redirect(reverse("admin:practice_question_import"))
        return super().process_import(request, **kwargs)

    def add_data_read_fail_error_to_form(self, form, e):
        chosen = dict(form.fields["format"].choices).get(
            form.data.get("format"), "the chosen format"
        )
        form.add_error(
            "import_file",
            f"The file could not be read as {chosen}. Save it as UTF-8 {chosen} "
            "with a header row (see the columns listed above), or choose the other format.",
        )

    def get_search_results(self, request, queryset, search_term):
        by_field, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        matching = question_ids_matching(search_term)
        if matching is None:
            return by_field, may_have_duplicates
        return by_field | queryset.filter(pk__in=matching), may_have_duplicates

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The question is indexed with its key points as they stand after the inlines.
        search_index_refresh([form.instance.pk])

    @admin.action(description="Publish the selected questions", permissions=["change"])
    def publish(self, request, queryset):
        count = questions_set_status(queryset, Question.Status.PUBLISHED)
        self.message_user(request, f"{count} question(s) published.", messages.SUCCESS)

    @admin.action(description="Retire the selected questions", permissions=["change"])
    def retire(self, request, queryset):
        count = questions_set_status(queryset, Question.Status.RETIRED)
        self.message_user(request, f"{count} question(s) retired.", messages.SUCCESS)

    @admin.action(description="Duplicate the selected questions as drafts", permissions=["add"])
    def duplicate(self, request, queryset):
        originals = queryset.prefetch_related("key_points", "common_mistakes")
        copies = [question_duplicate(question, author=request.user) for question in originals]
        self.message_user(request, f"{len(copies)} draft copy(ies) created.", messages.SUCCESS)


class FlagStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("resolved", "Resolved"), ("all", "All")]

    def choices(self, changelist):
        # "Open" is the default view of the queue, so "All" needs its own value.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "open") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        state = self.value() or "open"
        if state == "open":
            return queryset.filter(resolved_at__isnull=True)
        if state == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(QuestionFlag)
class QuestionFlagAdmin(admin.ModelAdmin):
    list_display = ("question", "reason", "comment_preview", "user", "created", "resolved_at")
    list_filter = (FlagStatusFilter, "reason")
    list_select_related = ("question", "user")
    search_fields = ("question__title", "comment")
    readonly_fields = (
        "user",
        "question",
        "reason",
        "comment",
        "created",
        "resolved_at",
        "resolved_by",
    )
    actions = ["resolve"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Comment", ordering="comment")
    def comment_preview(self, flag: QuestionFlag) -> str:
        """The learner's comment, cut to about a line and a half; the flag's own page has it
        whole."""
        return preview(flag.comment, COMMENT_PREVIEW_CHARS) or "–"

    @admin.action(description="Mark the selected flags as resolved", permissions=["change"])
    def resolve(self, request, queryset):
        count = queryset.filter(resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=request.user
        )
        self.message_user(request, f"{count} flag(s) resolved.", messages.SUCCESS)


@admin.register(AIReview)
class AIReviewAdmin(admin.ModelAdmin):
    """Whether the AI judge works: what was asked, where it stands, how long it took.

    Read-only, and without the verdict, whose quotes are the learner's answer: the learner sees
    it, and their data export holds it. Editors have no permission on it (migration 0002).
    """

    list_display = ("user", "question", "status", "suggested_grade", "model", "requested_at")
    list_filter = ("status", "model", "from_cache")
    list_select_related = ("user", "attempt__question")
    date_hierarchy = "requested_at"
    fields = (
        "user",
        "question",
        "status",
        "error",
        "suggested_grade",
        "model",
        "host",
        "from_cache",
        "tries",
        "requested_at",
        "started_at",
        "finished_at",
        "seconds",
    )
    readonly_fields = fields

    @admin.display(description="question", ordering="attempt__question__title")
    def question(self, review):
        return review.attempt.question

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
