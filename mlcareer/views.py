from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, IntegrityError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from mlcareer.accounts import account_create, profile_for
from mlcareer.forms import ProfileForm, SignupForm
from mlcareer.middleware import SESSION_TIME_ZONE_KEY


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "mlcareer/home.html")


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = account_create(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
        except IntegrityError:
            # Another sign-up took the name between validation and insert.
            form.add_error("username", "That username was just taken. Please choose another.")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome to MLCareer! Your account is ready.")
            return redirect("dashboard")
    return render(request, "registration/signup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=profile_for(request.user))
    if request.method == "POST" and form.is_valid():
        profile = form.save()
        request.session[SESSION_TIME_ZONE_KEY] = profile.time_zone
        messages.success(request, "Your settings are saved.")
        return redirect("profile")
    return render(request, "mlcareer/profile.html", {"form": form})


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "mlcareer/dashboard.html", {"profile": profile_for(request.user)})


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
