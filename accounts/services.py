from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.caching import changes_content

# What a person sets for themselves on their settings page.
SETTINGS = ("first_name", "last_name", "time_zone", "language", "mail_preferences")


@changes_content
@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    is_superuser: bool = False,
) -> User:
    """Create a person who can sign in; a superuser is also staff (the Django admin)."""
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean()
    user.save()
    return user


def user_language_set(*, user: User, language: str) -> None:
    """Keep the interface language a person chose, so every browser they sign in from speaks
    it (accounts.middleware). An empty language hands the choice back to the browser."""
    user.language = language
    user.full_clean(exclude=[field.name for field in User._meta.fields if field.name != "language"])
    user.save(update_fields=["language"])


# A person's name is shown on the pages of what they did (decisions, coordinators): content.
@changes_content
@transaction.atomic
def user_settings_set(
    *,
    user: User,
    time_zone: str,
    language: str,
    mail_preferences: dict[str, str] | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
) -> None:
    """Keep a person's name (when given), the time zone they read times in, their interface
    language, and how each kind of mail reaches them; an empty zone or language hands it back
    to the browser (``accounts.time_zones``, ``accounts.middleware``), a kind of mail not named
    comes at once (``accounts.notices``)."""
    if first_name is not None:
        user.first_name = first_name
    if last_name is not None:
        user.last_name = last_name
    user.time_zone = time_zone
    user.language = language
    if mail_preferences is not None:
        user.mail_preferences = mail_preferences
    user.full_clean(
        exclude=[field.name for field in User._meta.fields if field.name not in SETTINGS]
    )
    user.save(update_fields=list(SETTINGS))


def user_sessions_end(*, user: User) -> int:
    """End every session ``user`` is signed in with, on every device; how many ended. A
    deactivated person's sessions are refused anyway, but a session kept would sign them in
    again the moment they are made active again; ended, it cannot."""
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)
