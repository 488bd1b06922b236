"""Two-factor enrollment (/account/2fa/): the QR code, the first code, the backup codes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from cspm.accounts import twofactor
from cspm.web import enrollment
from cspm.web.forms import CodeForm
from cspm.web.redirects import safe_next, with_next


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    user = request.user
    if user_has_device(user, confirmed=True):
        if not user.is_verified():
            # This page is open before the second factor: it must not let a password alone
            # replace the device. Prove the current one first.
            return redirect(with_next(reverse("web:verify"), safe_next(request)))
        return render(request, "web/twofactor_status.html", {"backup_codes_left": enrollment.backup_codes_left(user)})
    device = enrollment.pending_device(user)
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST":
        codes = enrollment.twofactor_enroll(user=user, device=device, code=form.cleaned_data["code"]) \
            if form.is_valid() else None
        if codes:
            otp_login(request, device)
            request.session.cycle_key()
            return render(request, "web/backup_codes.html", {"codes": codes, "next": safe_next(request)})
        error = "That code is not valid: check the time on your phone and type the code shown now."
    return render(request, "web/twofactor_setup.html", {
        "form": form, "error": error, "qr": enrollment.qr_svg(device), "secret": enrollment.secret_text(device),
        "required": twofactor.required_for(user), "next": safe_next(request),
    }, status=400 if error else 200)


@login_required
@require_POST
def backup_codes_renew(request):
    if not user_has_device(request.user, confirmed=True):
        messages.error(request, "Set up an authenticator app first.")
        return redirect("web:twofactor_setup")
    codes = enrollment.backup_codes_renew(user=request.user)
    return render(request, "web/backup_codes.html", {"codes": codes, "next": ""})
