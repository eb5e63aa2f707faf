from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from luoshi.accounts import services
from luoshi.accounts.models import ApiToken
from luoshi.accounts.types import signed_in
from luoshi.core.errors import ValidationFailed
from luoshi.org.scope import scope_for
from luoshi.org.selectors import person_for_user


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        return response


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("name"), max_length=80, help_text=gettext_lazy("e.g. 统计报表脚本"))
    days = forms.IntegerField(
        label=gettext_lazy("valid for (days)"),
        required=False,
        min_value=1,
        max_value=3650,
        help_text=gettext_lazy("Leave empty for a token that does not expire."),
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    from luoshi.org.models import RoleGrant

    user = signed_in(request.user)
    grants = RoleGrant.objects.filter(user=user).select_related("unit").order_by("unit__path")
    return render(
        request,
        "accounts/profile.html",
        {"person": person_for_user(request.user), "grants": grants, "scope": scope_for(request.user)},
    )


@login_required
@require_POST
def text_size(request: HttpRequest) -> HttpResponse:
    """Switch 大字模式 on (large_text=1) or off (anything else) and go back to the page the person was on."""
    user = signed_in(request.user)
    services.user_set_large_text(user=user, enabled=request.POST.get("large_text") == "1")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = str(reverse_lazy("accounts:profile"))
    return redirect(target)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.api_token_create(
                user=signed_in(request.user),
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
            )
        except ValidationFailed as exc:
            form.add_error(None, str(exc.message))
        else:
            form = TokenForm()
    owner = signed_in(request.user)
    rows = ApiToken.objects.filter(user=owner).order_by("-created_at")[:100]
    return render(request, "accounts/tokens.html", {"form": form, "tokens": rows, "new_token": new_token})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    services.api_token_revoke(user=signed_in(request.user), token_id=pk)
    messages.success(request, _("The token was revoked; programs using it can no longer connect."))
    return redirect("accounts:tokens")
