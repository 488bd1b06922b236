"""Sign in (password, then the second factor when required) and sign out."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import user_has_device

from cspm.accounts import twofactor
from cspm.audit.log import record
from cspm.demo.conf import demo_enabled
from cspm.web import signin
from cspm.web.forms import CodeForm, SignInForm
from cspm.web.redirects import after_sign_in, safe_next, with_next


@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.user.is_authenticated:
        return redirect(after_sign_in(request))  # the second-factor gate intercepts if it is pending
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST":
        if form.is_valid():
            outcome = signin.password_step(request, username=form.cleaned_data["username"],
                                           password=form.cleaned_data["password"])
            if outcome is signin.Outcome.SIGNED_IN:
                return redirect(after_sign_in(request))
            if outcome is signin.Outcome.SECOND_FACTOR:
                step = "web:verify" if user_has_device(request.user, confirmed=True) else "web:twofactor_setup"
                return redirect(with_next(reverse(step), safe_next(request)))
            error = signin.WRONG + (" " + signin.LOCKED if outcome is signin.Outcome.LOCKED else "")
        else:
            error = signin.WRONG
    return render(request, "web/login.html", {
        "form": form, "error": error, "next": safe_next(request), "expired": "expired" in request.GET,
        "demo": demo_enabled(),
    }, status=400 if error else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request):
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    if twofactor.satisfied(request.user):
        return redirect(after_sign_in(request))
    if not user_has_device(request.user, confirmed=True):
        return redirect(with_next(reverse("web:twofactor_setup"), safe_next(request)))
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST":
        outcome = signin.second_factor_step(request, code=form.cleaned_data["code"]) if form.is_valid() else None
        if outcome is signin.Outcome.SIGNED_IN:
            return redirect(after_sign_in(request))
        if outcome is signin.Outcome.LOCKED:
            logout(request)  # start over at the password, which the lock now refuses
            messages.error(request, signin.LOCKED)
            return redirect(settings.LOGIN_URL)
        error = signin.WRONG_CODE
    return render(request, "web/verify.html", {"form": form, "error": error, "next": safe_next(request)},
                  status=400 if error else 200)


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        with transaction.atomic():
            record("auth.logout", target=request.user, organization_id=None)
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect(settings.LOGOUT_REDIRECT_URL)
