from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_POST

from orchestrator_web.accounts import api_tokens
from orchestrator_web.accounts.forms import ApiTokenForm, LoginForTokenForm, PasteTokenForm, TimeZoneForm
from orchestrator_web.accounts.models import ApiToken, PersonalToken, Preferences, pe_login_of
from orchestrator_web.accounts.zones import SESSION_KEY
from orchestrator_web.audit.models import Action
from orchestrator_web.audit.services import record
from orchestrator_web.connection import rbac_with
from orchestrator_web.explain import explain
from orchestrator_web.http import SignedInRequest
from orchestrator_web.notifications.forms import WebhookForm
from orchestrator_web.notifications.views import profile_context as notification_context
from orchestrator_web.pe import errors

SECONDS = {"h": 3600, "d": 86400}
RBAC = "PE RBAC service"
CHECK_SECONDS = 60  # how long PE's word on a stored token is shown without asking again
CHECK_FAILED_SECONDS = 10  # how long "PE could not be asked" is remembered


@dataclass(frozen=True)
class TokenCheck:
    """What PE said of a stored token just now: "accepted", "refused" (expired, revoked, unknown
    to PE: the demo restarted), "not_yours" (another PE user's), or "unknown" (PE not asked)."""

    state: str
    message: str = ""
    pe_login: str = ""


def _check(stored: PersonalToken, token: str, expected: str) -> TokenCheck:
    """Ask PE whose the stored token is (`GET /v1/users/current`, through the PE guard and its
    timeouts), remembering the answer briefly so the profile page does not ask on every view."""
    digest = hashlib.sha256(f"{stored.ciphertext}\n{expected}".encode()).hexdigest()[:32]
    key = f"accounts:token-check:{stored.user_id}:{digest}"
    found: TokenCheck | None = cache.get(key)
    if found is not None:
        return found
    seconds = CHECK_SECONDS
    try:
        subject = rbac_with(token).current_user()
    except errors.AuthenticationError as exc:
        found = TokenCheck("refused", explain(exc, RBAC))
    except errors.PEError as exc:
        found, seconds = TokenCheck("unknown", explain(exc, RBAC)), CHECK_FAILED_SECONDS
    else:
        found = TokenCheck("accepted" if subject.login == expected else "not_yours", pe_login=subject.login)
    cache.set(key, found, seconds)
    return found


def _page(
    request: SignedInRequest,
    paste: PasteTokenForm | None = None,
    login: LoginForTokenForm | None = None,
    *,
    api_form: ApiTokenForm | None = None,
    new_api_token: tuple[ApiToken, str] | None = None,
    webhook_form: WebhookForm | None = None,
    status: int = 200,
) -> HttpResponse:
    stored = PersonalToken.objects.filter(user=request.user).first()
    expected = pe_login_of(request.user)
    token = stored.token() if stored is not None else None
    return render(
        request,
        "accounts/profile.html",
        {
            "stored": stored,
            "readable": token is not None,
            "check": _check(stored, token, expected) if stored is not None and token is not None else None,
            "pe_login": expected,
            "now": timezone.now(),
            "paste_form": paste or PasteTokenForm(),
            "login_form": login or LoginForTokenForm(pe_login=expected),
            "zone_form": TimeZoneForm(initial={"time_zone": request.session.get(SESSION_KEY, "")}),
            "api_tokens": ApiToken.objects.filter(user=request.user),
            "api_form": api_form or ApiTokenForm(),
            "new_api_token": new_api_token,
            **notification_context(request.user, webhook_form),
        },
        status=status,
    )


def render_profile(request: SignedInRequest, *, webhook_form: WebhookForm) -> HttpResponse:
    """The profile page with the notifications section's webhook form as posted (its errors)."""
    return _page(request, webhook_form=webhook_form)


@login_required
@require_POST
def time_zone(request: SignedInRequest) -> HttpResponse:
    form = TimeZoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That is not a time zone this server knows.")
        return redirect("profile")
    zone = form.cleaned_data["time_zone"]
    Preferences.objects.update_or_create(user=request.user, defaults={"time_zone": zone})
    request.session[SESSION_KEY] = zone
    messages.success(
        request,
        f"Times are now shown in {zone.replace('_', ' ')}." if zone else "Times now follow your browser's time zone.",
    )
    return redirect("profile")


@login_required
@require_GET
def profile(request: SignedInRequest) -> HttpResponse:
    return _page(request)


def _store(request: SignedInRequest, token: str, expires_in: timedelta | None) -> str | None:
    """Check the token with PE (whose is it?) and keep it if it is this person's; a plain-words
    problem otherwise."""
    try:
        subject = rbac_with(token).current_user()
    except errors.AuthenticationError as exc:
        return f"PE did not accept this token. {explain(exc, RBAC)}"
    except errors.PEError as exc:
        return f"The token could not be checked, so it was not stored. {explain(exc, RBAC)}"
    expected = pe_login_of(request.user)
    if subject.login != expected:
        reason = f"a personal token of PE user {subject.login}, not {expected}"
        record(Action.DENIED, request.user.get_username(), request=request, path=request.path, reason=reason)
        return (
            f"This token belongs to PE user {subject.login}, not to you (your PE login is {expected}), "
            "so it was not stored. If your PE login differs from your login here, an administrator can set it."
        )
    # Encrypted before the row is written: a launch never meets a row without its token.
    fresh = PersonalToken(user=request.user)
    fresh.set_token(token)
    PersonalToken.objects.update_or_create(
        user=request.user,
        defaults={
            "ciphertext": fresh.ciphertext,
            "pe_login": subject.login,
            "expires_at": timezone.now() + expires_in if expires_in else None,
        },
    )
    record(Action.TOKEN_STORED, request.user.get_username(), request=request, pe_login=subject.login)
    messages.success(request, f"Your PE token for PE user {subject.login} is stored. Your launches now use it.")
    return None


# The token must not show on Django's debug error page, as a POST value or a local variable.
@sensitive_post_parameters("token")
@sensitive_variables("token")
@login_required
@require_POST
def token_paste(request: SignedInRequest) -> HttpResponse:
    form = PasteTokenForm(request.POST)
    if form.is_valid():
        problem = _store(request, form.cleaned_data["token"], None)
        if problem is None:
            return redirect("profile")
        form.add_error("token", problem)
    return _page(request, paste=form)


@sensitive_post_parameters("password")
@sensitive_variables("password", "token")
@login_required
@require_POST
def token_login(request: SignedInRequest) -> HttpResponse:
    form = LoginForTokenForm(request.POST, pe_login=pe_login_of(request.user))
    if form.is_valid():
        lifetime = form.cleaned_data["lifetime"]
        try:
            token = rbac_with("").get_token(
                form.cleaned_data["login"], form.cleaned_data["password"], lifetime=lifetime, label=None
            )
        except errors.APIError as exc:
            form.add_error(None, f"PE did not give a token: {exc.msg or exc.kind}")
        except errors.PEError as exc:
            form.add_error(None, f"No token was obtained. {explain(exc, RBAC)}")
        else:
            expires_in = timedelta(seconds=int(lifetime[:-1]) * SECONDS[lifetime[-1]])
            problem = _store(request, token, expires_in)
            if problem is None:
                return redirect("profile")
            form.add_error(None, problem)
    form.data = {**form.data, "password": ""}  # never echoed back
    return _page(request, login=form)


@login_required
@require_POST
def token_remove(request: SignedInRequest) -> HttpResponse:
    deleted, _ = PersonalToken.objects.filter(user=request.user).delete()
    if deleted:
        record(Action.TOKEN_REMOVED, request.user.get_username(), request=request)
        messages.success(request, "Your PE token is removed. Your launches use the service account again.")
    return redirect("profile")


# The new token is in this page only: it must not stay in a cache or on the error page.
@never_cache
@sensitive_variables("token")
@login_required
@require_POST
def api_token_create(request: SignedInRequest) -> HttpResponse:
    """Make an API token and show it, once: only its digest is kept."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _page(request, api_form=form, status=400)
    row, token = api_tokens.create(
        request.user, form.cleaned_data["name"], form.cleaned_data["expires_days"], request=request
    )
    return _page(request, new_api_token=(row, token))


@login_required
@require_POST
def api_token_revoke(request: SignedInRequest, token_id: int) -> HttpResponse:
    row = get_object_or_404(ApiToken.objects.select_related("user"), pk=token_id, user=request.user)
    if api_tokens.revoke(row, request=request):
        messages.success(request, f"The API token “{row.name}” is revoked: it no longer works.")
    return redirect("profile")


@login_required
@require_GET
def whoami(request: SignedInRequest) -> JsonResponse:
    """Who this session is: for scripts checking their login (and the load benchmark's baseline)."""
    return JsonResponse({"username": request.user.get_username()})
