from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from mlcareer.accounts import AccountTaken, profile_for
from mlcareer.dashboard import dashboard as dashboard_context
from mlcareer.forms import (
    DeleteAccountForm,
    LimitedPasswordResetForm,
    ProfileForm,
    ResetProgressForm,
    SignupForm,
)
from mlcareer.middleware import SESSION_TIME_ZONE_KEY
from mlcareer.portability import account_delete, progress_reset, user_export
from mlcareer.post_limits import cut_oversized_post
from mlcareer.security import client_ip
from practice.forms import TrialAnswerForm
from practice.models import Attempt
from practice.pages import landing_trial
from practice.queries import topics
from practice.sessions import active_seconds_sent
from practice.trials import (
    LIMIT_MESSAGE,
    SESSION_KEY,
    TrialLimitReached,
    account_create_keeping_trial,
    starter_questions,
    trial_attach,
    trial_pending,
    trial_submit,
)

WELCOME = "Welcome to MLCareer! Your account is ready."


GRADE_IT = (
    "Grade it here: tick the key points you made and choose a grade, so that it comes back "
    "for review at the right time."
)


def _kept_message(attempt: Attempt, *, where: str) -> str:
    return f"Your answer to “{attempt.question.title}” is kept {where}."


@login_not_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return render(request, "mlcareer/home.html")
    context = landing_trial(
        token=request.session.get(SESSION_KEY),
        slug=request.GET.get("question", ""),
        now=timezone.now(),
    )
    return render(request, "mlcareer/home.html", context)


@login_not_required
@cut_oversized_post
@require_POST
def trial_answer(request: HttpRequest) -> HttpResponse:
    """A visitor's answer to the landing page's question: kept for a day, then the feedback."""
    if request.user.is_authenticated:
        return redirect("practice:start")
    now = timezone.now()
    token = request.session.get(SESSION_KEY)
    starters = starter_questions()
    form = TrialAnswerForm(request.POST, questions=starters, autofocus=True)
    if form.is_valid():
        try:
            trial = trial_submit(
                question=form.question,
                answer=form.cleaned_data["answer"],
                shown_at=form.shown_at,
                ip=client_ip(request),
                now=now,
                replaces=token or "",
                active_seconds=active_seconds_sent(request.POST.get("active_seconds")),
            )
        except TrialLimitReached:
            form.add_error(None, LIMIT_MESSAGE)
        else:
            request.session[SESSION_KEY] = trial.token
            return redirect(reverse("home") + "#result")
    context = landing_trial(token=token, now=now, form=form, starters=starters)
    return render(request, "mlcareer/home.html", context)


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    token = request.session.get(SESSION_KEY)
    form = SignupForm(request.POST or None, ip=client_ip(request))
    if request.method == "POST" and form.is_valid():
        try:
            user, first = account_create_keeping_trial(
                token=token,
                now=timezone.now(),
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                time_zone=form.cleaned_data["time_zone"],
            )
        except AccountTaken as taken:
            # Another sign-up took it between the form's check and the insert.
            form.add_error(taken.field, SignupForm.TAKEN_MESSAGES[taken.field])
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if first is None:
                messages.success(request, WELCOME)
                return redirect("dashboard")
            request.session.pop(SESSION_KEY, None)
            kept = _kept_message(first, where="as your first")
            messages.success(request, f"{WELCOME} {kept} {GRADE_IT}")
            return redirect("practice:session-detail", pk=first.session_id)
    trial = trial_pending(token, now=timezone.now())
    return render(request, "registration/signup.html", {"form": form, "trial": trial})


class LoginView(auth_views.LoginView):
    """Django's log-in; an answer tried on the landing page in this browser joins the account
    and the learner goes on to grade it (unless the log-in was asked for to reach a page)."""

    kept: Attempt | None = None

    def form_valid(self, form):
        self.kept = trial_attach(
            user=form.get_user(), token=self.request.session.get(SESSION_KEY), now=timezone.now()
        )
        response = super().form_valid(form)
        if self.kept is not None:
            self.request.session.pop(SESSION_KEY, None)
            kept = _kept_message(self.kept, where="in your account")
            grading = response.url == self._grading_url()
            messages.success(self.request, f"{kept} {GRADE_IT}" if grading else kept)
        return response

    def _grading_url(self) -> str:
        return reverse("practice:session-detail", args=[self.kept.session_id])

    def get_context_data(self, **kwargs):
        trial = trial_pending(self.request.session.get(SESSION_KEY), now=timezone.now())
        return {**super().get_context_data(**kwargs), "trial": trial}

    def get_success_url(self):
        if self.kept is not None and not self.get_redirect_url():
            return self._grading_url()
        return super().get_success_url()


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, with requests limited per client and per address."""

    form_class = LimitedPasswordResetForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "ip": client_ip(self.request)}


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=profile_for(request.user))
    if request.method == "POST" and form.is_valid():
        profile = form.save()
        request.session[SESSION_TIME_ZONE_KEY] = profile.time_zone
        messages.success(request, "Your settings are saved.")
        return redirect("profile")
    return render(request, "mlcareer/profile.html", {"form": form})


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    context = dashboard_context(user=request.user, now=timezone.now())
    return render(request, "mlcareer/dashboard.html", context)


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
def export(request: HttpRequest) -> HttpResponse:
    archive = user_export(request.user)
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="mlcareer-data-{stamp}.zip"'
    return response


@require_http_methods(["GET", "POST"])
def account_delete_view(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        account_delete(user)
        messages.success(request, "Your account and all of your data are deleted. Goodbye!")
        return redirect("home")
    return render(request, "mlcareer/account_delete.html", {"form": form})


@require_http_methods(["GET", "POST"])
def progress_reset_view(request: HttpRequest) -> HttpResponse:
    form = ResetProgressForm(request.POST or None, topics=topics())
    if request.method == "POST" and form.is_valid():
        topic = form.topic()
        report = progress_reset(user=request.user, topic=topic)
        scope = f" on {topic.name}" if topic else ""
        messages.success(
            request,
            f"Progress{scope} reset: {report.attempts} answers and {report.cards} review "
            "cards deleted. Your self-assessments are kept.",
        )
        return redirect("dashboard")
    return render(request, "mlcareer/progress_reset.html", {"form": form})
