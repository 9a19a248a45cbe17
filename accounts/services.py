from accounts.models import User


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
