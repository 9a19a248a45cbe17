"""Sign-in and sign-out: Django's views with our templates and a word on signing out; the
language switch; and a person's own settings (time zone, language, mail)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import UserSettingsForm
from accounts.middleware import set_language_cookie
from accounts.models import MailKind
from accounts.services import user_language_set, user_settings_set
from accounts.time_zones import BROWSER, INSTITUTION, OWN, SITE, reading_decision, zone_label
from core.ratelimits import login_rate_limit


# Sign-in POSTs are rate-limited per address; django-axes also locks a username and address
# after repeated failures (config/settings.py).
@method_decorator(login_rate_limit, name="post")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Sign out (POST only, as Django requires) and say so on the sign-in page."""

    def post(self, request, *args, **kwargs):
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.success(request, _("You have signed out."))
        return response


@login_not_required
@require_POST
def language_switch(request):
    """Switch the interface language and go back to the page it was switched on.

    The browser remembers the choice in the language cookie (so a visitor who is not signed in
    keeps it); a signed-in person's account remembers it too, for every browser they use. Only
    a page of this site is gone back to: any other ``next`` leads home.
    """
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(_("This language is not offered."))
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    next_url = request.POST.get("next", "")
    # A path of this site: ``redirect`` would take anything else (``0``, ``events:list``) for
    # the name of a view to look up.
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        url=next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    set_language_cookie(response, language)
    return response


# Where the zone times are shown in came from, as the settings page says it.
ZONE_SOURCES = {
    OWN: gettext_lazy("Times are shown in %(zone)s, the time zone you set."),
    BROWSER: gettext_lazy("Times are shown in %(zone)s, your browser's time zone."),
    INSTITUTION: gettext_lazy(
        "Times are shown in %(zone)s, the time zone of your institution's country."
    ),
    SITE: gettext_lazy("Times are shown in %(zone)s, the site's time zone."),
}


@require_http_methods(["GET", "POST"])
def user_settings(request):
    """A person's own settings: the time zone every page shows times in, the interface
    language and how each kind of mail reaches them. Saved, the language is also remembered by
    this browser, as the language switch does."""
    form = UserSettingsForm(request.POST if request.method == "POST" else None, user=request.user)
    if form.is_valid():
        user_settings_set(
            user=request.user,
            time_zone=form.cleaned_data["time_zone"],
            language=form.cleaned_data["language"],
            mail_preferences=form.mail_preferences(),
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
        )
        messages.success(request, _("Your settings are saved."))
        response = redirect("accounts:settings")
        if form.cleaned_data["language"]:
            set_language_cookie(response, form.cleaned_data["language"])
        return response
    zone, source = reading_decision(request.user)
    return render(
        request,
        "accounts/settings.html",
        {
            "form": form,
            "mail_fields": [form[form.mail_field(kind)] for kind in MailKind.values],
            "zone_now": ZONE_SOURCES[source] % {"zone": zone_label(zone)},
        },
    )
