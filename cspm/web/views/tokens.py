"""Personal API tokens (/account/tokens/): list, create (the token is shown once), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cspm.accounts.tokens import token_create, token_revoke, tokens_of
from cspm.core.errors import DomainError, NotFound
from cspm.web.forms import TokenForm


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    form = TokenForm(request.POST or None)
    created = raw = None
    if request.method == "POST" and form.is_valid():
        try:
            created, raw = token_create(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            form = TokenForm()
    return render(request, "web/tokens.html", {
        "form": form, "tokens": tokens_of(request.user).order_by("-id"), "created": created, "raw": raw,
        "now": timezone.now(),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def token_revoke_view(request, token_id: int):
    try:
        # Only the user's own tokens, whoever asks: a superuser revokes others' from the command line.
        if not tokens_of(request.user).filter(pk=token_id).exists():
            raise NotFound(token_id)
        token = token_revoke(user=request.user, token_id=token_id)
    except NotFound:
        raise Http404("no such live token") from None
    messages.success(request, f"Revoked token {token.name}.")
    return redirect("web:tokens")
