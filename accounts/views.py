"""Sign-in and sign-out: Django's views with our templates and a word on signing out; and the
language switch."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.middleware import set_language_cookie
from accounts.services import user_language_set
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
