"""The interface language of a signed-in person follows them from browser to browser; every
request reads times in the reader's time zone."""

from django.conf import settings
from django.utils import timezone, translation

from accounts.time_zones import BROWSER_ZONE_COOKIE, keep_reading_zone, zone_decision


class UserLanguageMiddleware:
    """Activate the language a signed-in person chose (``User.language``) for their request.

    Placed after AuthenticationMiddleware, which gives ``request.user``, and so after
    LocaleMiddleware, which has activated the language of the cookie or of the browser by then:
    activating the saved language here overrides that guess for the view and the templates. A
    person who never chose (an empty ``language``) keeps LocaleMiddleware's choice.

    The browser's language cookie is brought in line with the account, so the sign-in page
    still speaks the person's language after they sign out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self.saved_language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if (
            language
            and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language
            # The language switch sets the cookie itself, to the newly chosen language.
            and settings.LANGUAGE_COOKIE_NAME not in response.cookies
        ):
            set_language_cookie(response, language)
        return response

    @staticmethod
    def saved_language(request) -> str:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return ""
        return user.language if user.language in dict(settings.LANGUAGES) else ""


def set_language_cookie(response, language: str) -> None:
    """Remember ``language`` in the browser, with the cookie settings Django's own language
    switch uses."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class ReaderTimeZoneMiddleware:
    """Activate the time zone the reader reads times in for their request
    (``accounts.time_zones.zone_decision``: their own, else their browser's, else their
    institution's country's, else the site's), so every page shows times on their clock.

    Placed after AuthenticationMiddleware, which gives ``request.user``. The zone decided is
    kept on the user for the request (``accounts.time_zones.reading_zone``), and the active zone
    is given back once the response is made, so the next request on this thread starts afresh.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        decision = zone_decision(
            user,
            request.COOKIES.get(BROWSER_ZONE_COOKIE, ""),
            session=getattr(request, "session", None),
        )
        if user is not None:
            keep_reading_zone(user, decision)
        with timezone.override(decision[0]):
            return self.get_response(request)
