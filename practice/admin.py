from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from import_export.admin import ExportMixin

from practice.admin_actions import delete_selected, duplicate
from practice.curation import questions_set_status
from practice.images import IMAGE_MAX_BYTES, image_refusal, image_store
from practice.import_admin import QuestionImportAdminMixin
from practice.import_formats import QUESTION_FORMATS
from practice.import_templates import import_template_download
from practice.models import (
    AIReview,
    CommonMistake,
    KeyPoint,
    Question,
    QuestionFlag,
    QuestionImage,
    Term,
    Topic,
)
from practice.rendering import markdown_display_problems, render_markdown
from practice.resources import QuestionResource
from practice.search import question_ids_matching, search_index_deferred
from practice.statistics import content_statistics, questions_with_usage

COMMENT_PREVIEW_CHARS = 120


def preview(text: str, limit: int) -> str:
    """`text` on one line, cut at the last word that fits in `limit` characters with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(",;:.") + "…"


def _share(part: int, whole: int) -> str:
    return "–" if not whole else f"{round(100 * part / whole)}%"


class PermissionedExportMixin:
    """Export only for those allowed to see every row by hand: the view permission.

    django-import-export allows it to any member of staff unless told otherwise.
    """

    def has_export_permission(self, request):
        return self.has_view_permission(request)


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


class MultipleImageInput(forms.FileInput):
    allow_multiple_selected = True

    def __init__(self, attrs=None):
        super().__init__({"accept": "image/png,image/jpeg,image/gif,image/webp", **(attrs or {})})


class ImageUploadsField(forms.FileField):
    """Any number of image files, each checked by its bytes; cleaned to (name, bytes) pairs."""

    widget = MultipleImageInput

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        files = [super(ImageUploadsField, self).clean(upload, initial) for upload in uploads]
        checked, refusals = [], []
        for upload in files:
            # Read no more than one byte past the limit: the size alone refuses a larger file.
            data = upload.read(IMAGE_MAX_BYTES + 1)
            if refusal := image_refusal(data, upload.name):
                refusals.append(f"Image “{upload.name}” is refused: {refusal}.")
            else:
                checked.append((upload.name, data))
        if refusals:
            raise forms.ValidationError(refusals)
        return checked


def image_markdown(image: QuestionImage) -> str:
    """What an editor pastes to show the image."""
    return f"![alt text]({image.url})"


def image_figure(image: QuestionImage):
    return format_html(
        '<figure class="question-image"><img src="{}" alt="{}" class="question-image-thumb">'
        "<figcaption>{} · {} KB<br>Paste: <code>{}</code><br>"
        "(replace “alt text” with what the image shows)</figcaption></figure>",
        image.url,
        image.original_name,
        image.original_name,
        max(1, round(image.size / 1024)),
        image_markdown(image),
    )


class QuestionAdminForm(forms.ModelForm):
    image_uploads = ImageUploadsField(
        required=False,
        label="Upload images",
        help_text=f"PNG, JPEG, GIF or WebP, at most {IMAGE_MAX_BYTES // 1024 // 1024} MB each "
        "(SVG is refused: convert it to PNG). After saving, each image is listed below with the "
        "Markdown to paste into the prompt or the model answer.",
    )

    class Meta:
        model = Question
        fields = ("prompt", "model_answer")  # QuestionAdmin.fieldsets lays out the rest


@admin.register(Question)
class QuestionAdmin(
    QuestionImportAdminMixin, PermissionedExportMixin, ExportMixin, admin.ModelAdmin
):
    resource_classes = [QuestionResource]
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
    form = QuestionAdminForm
    readonly_fields = ("preview", "uploaded_images", "author", "created", "updated")
    inlines = [KeyPointInline, CommonMistakeInline]
    actions = ["publish", "retire", duplicate, delete_selected]
    fieldsets = [
        (None, {"fields": ("title", "slug", "topic", "skills", "status")}),
        ("Question", {"fields": ("prompt", "difficulty", "kind", "suggested_minutes")}),
        ("Answer", {"fields": ("model_answer",)}),
        ("Source", {"fields": ("source_name", "source_url", "source_licence")}),
        ("Images", {"fields": ("image_uploads", "uploaded_images")}),
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
        template = path(
            "import/template/<str:key>/",
            self.admin_site.admin_view(partial(import_template_download, model_admin=self)),
            name="practice_question_import_template",
        )
        return [statistics, template, *self.import_urls(), *super().get_urls()]

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

    class Media:
        css = {"all": ["css/code.css", "css/admin_question.css"]}
        js = ["js/math.js"]

    @admin.display(description="how users see it")
    def preview(self, question):
        if not question.pk:
            return "Save the question to see the preview."
        problems = [
            format_html("<li>{}: {}</li>", where, problem)
            for where, text in (
                ("Prompt", question.prompt),
                ("Model answer", question.model_answer),
            )
            for problem in markdown_display_problems(text)
        ]
        warning = (
            format_html(
                '<div class="markdown-problems"><p><strong>What will not show as written'
                "</strong></p><ul>{}</ul></div>",
                format_html_join("", "{}", ((problem,) for problem in problems)),
            )
            if problems
            else ""
        )
        return format_html(
            '{}<div class="question-preview rendered"><h3>{}</h3>{}<h4>Model answer</h4>{}</div>',
            warning,
            question.title,
            render_markdown(question.prompt),
            render_markdown(question.model_answer),
        )

    @admin.display(description="uploaded with this question")
    def uploaded_images(self, question):
        images = list(question.images.all()) if question.pk else []
        if not images:
            return "None yet."
        return format_html_join("", "{}", ((image_figure(image),) for image in images))

    def save_related(self, request, form, formsets, change):
        # The inlines' key point saves are indexed once, as they stand after them all.
        with search_index_deferred() as indexed:
            super().save_related(request, form, formsets, change)
            indexed.add(form.instance.pk)
        for name, data in form.cleaned_data.get("image_uploads") or []:
            image = image_store(data, name=name, user=request.user)
            if image.question_id is None:
                image.question = form.instance
                image.save(update_fields=["question"])
            self.message_user(
                request,
                f"Image “{name}” is uploaded. To show it, paste {image_markdown(image)} into the "
                "prompt or the model answer, with a description in place of “alt text”.",
                messages.SUCCESS,
            )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_import_permission": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context)

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

    @admin.action(description="Publish the selected questions", permissions=["change"])
    def publish(self, request, queryset):
        count = questions_set_status(queryset, Question.Status.PUBLISHED)
        self.message_user(request, f"{count} question(s) published.", messages.SUCCESS)

    @admin.action(description="Retire the selected questions", permissions=["change"])
    def retire(self, request, queryset):
        count = questions_set_status(queryset, Question.Status.RETIRED)
        self.message_user(request, f"{count} question(s) retired.", messages.SUCCESS)


class QuestionImageAddForm(forms.ModelForm):
    upload = forms.FileField(
        label="Image file",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
        help_text=f"PNG, JPEG, GIF or WebP, at most {IMAGE_MAX_BYTES // 1024 // 1024} MB "
        "(SVG is refused: convert it to PNG).",
    )

    class Meta:
        model = QuestionImage
        fields = ("question",)

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        data = upload.read(IMAGE_MAX_BYTES + 1)
        if refusal := image_refusal(data, upload.name):
            raise forms.ValidationError(f"Image “{upload.name}” is refused: {refusal}.")
        return upload.name, data


@admin.register(QuestionImage)
class QuestionImageAdmin(admin.ModelAdmin):
    """Every image questions may show; an image is added once, whoever uploads it again."""

    list_display = ("thumbnail", "original_name", "content_type", "size", "question", "created")
    list_select_related = ("question",)
    search_fields = ("original_name", "sha256", "question__title")
    autocomplete_fields = ("question",)
    readonly_fields = (
        "thumbnail",
        "markdown",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "created",
    )

    class Media:
        css = {"all": ["css/admin_question.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data")

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = QuestionImageAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ("upload", "question") if obj is None else ("question", *self.readonly_fields)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    @admin.display(description="image")
    def thumbnail(self, image):
        return format_html(
            '<img src="{}" alt="{}" class="question-image-thumb">', image.url, image.original_name
        )

    @admin.display(description="Markdown to paste")
    def markdown(self, image):
        return format_html("<code>{}</code>", image_markdown(image))

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        name, data = form.cleaned_data["upload"]
        stored = image_store(data, name=name, user=request.user)
        if stored.question_id is None and obj.question_id:
            stored.question = obj.question
            stored.save(update_fields=["question"])
        # The admin goes on to show the stored row, which may be one uploaded before.
        obj.pk, obj.sha256 = stored.pk, stored.sha256
        obj._state.adding = False
        obj.refresh_from_db()


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
    actions = ["resolve", delete_selected]

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
    actions = [delete_selected]

    @admin.display(description="question", ordering="attempt__question__title")
    def question(self, review):
        return review.attempt.question

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
