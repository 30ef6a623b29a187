from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from mlcareer.accounts import AccountTaken, account_create, profile_for
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
from mlcareer.security import client_ip
from practice.queries import topics


@login_not_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "mlcareer/home.html")


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = SignupForm(request.POST or None, ip=client_ip(request))
    if request.method == "POST" and form.is_valid():
        try:
            user = account_create(
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
            messages.success(request, "Welcome to MLCareer! Your account is ready.")
            return redirect("dashboard")
    return render(request, "registration/signup.html", {"form": form})


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
