import functools

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.validators import validate_single_line, validate_time_zone
from multilingual.models import TranslatedModel

# Official short names where CLDR's differs, by country code and language: the Kyrgyz
# Republic's constitution and the United Nations name it "Кыргызстан" in Russian, CLDR
# "Киргизия". CLDR's names of the other Central Asian countries are their official ones in
# English, Russian, Uzbek and Kazakh (tests/institutions/test_country_names.py).
OFFICIAL_NAMES = {
    ("KG", "ru"): "Кыргызстан",
}


@functools.cache
def territory_name(code: str, language: str) -> str | None:
    """The official short name of the country ``code`` in ``language``: CLDR's (through
    Babel) unless ``OFFICIAL_NAMES`` corrects it; None where neither has one."""
    if official := OFFICIAL_NAMES.get((code, language.split("-")[0].lower())):
        return official
    try:
        return Locale.parse(translation.to_locale(language)).territories.get(code)
    except (ValueError, UnknownLocaleError):
        return None


class Country(models.Model):
    """A participating country. Adding one is data, not code."""

    code = models.CharField(
        _("ISO code"), max_length=2, unique=True, help_text=_("ISO 3166-1 alpha-2, e.g. UZ.")
    )
    name = models.CharField(
        _("name"), max_length=100, unique=True, validators=[validate_single_line]
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, validators=[validate_time_zone], help_text=_("IANA name.")
    )

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}$"),
                name="country_code_iso_alpha2",
                violation_error_message=_("The ISO code is two capital letters, e.g. UZ."),
            ),
        ]

    def __str__(self):
        return self.local_name

    @property
    def local_name(self) -> str:
        """The name in the active language: the stored one in the site's default language,
        CLDR's in the others (Узбекистан, Oʻzbekiston, Өзбекстан), the stored one where CLDR has
        none."""
        language = translation.get_language() or settings.LANGUAGE_CODE
        if language.split("-")[0] == settings.LANGUAGE_CODE.split("-")[0]:
            return self.name
        return territory_name(self.code, language) or self.name


class Institution(TranslatedModel):
    # The fields an editor may give in other languages (multilingual.content).
    TRANSLATED_FIELDS = ("name", "description")

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        MUSEUM = "museum", _("Museum")
        GALLERY = "gallery", _("Gallery")
        THEATRE = "theatre", _("Theatre")
        LIBRARY = "library", _("Library")
        CULTURAL_CENTRE = "cultural_centre", _("Cultural centre")
        MINISTRY = "ministry", _("Ministry or agency")
        GOVERNMENT = "government", _("Government")
        CIVIL_SOCIETY = "civil_society", _("Civil-society organisation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=255, validators=[validate_single_line])
    short_name = models.CharField(
        _("short name"), max_length=50, blank=True, validators=[validate_single_line]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="institutions", verbose_name=_("country")
    )
    city = models.CharField(_("city"), max_length=100, validators=[validate_single_line])
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "name"],
                name="institution_unique_name",
                violation_error_message=_("This country already has an institution of that name."),
            ),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user coordinates the cultural programmes of one institution."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("institution"),
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("institution coordinator")
        verbose_name_plural = _("institution coordinators")
        ordering = ["institution__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "institution"],
                name="membership_unique",
                violation_error_message=_("This person already coordinates this institution."),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.institution}"


class NationalCoordinator(models.Model):
    """A user of a ministry or agency who decides on programmes for one country."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="national_roles",
        verbose_name=_("user"),
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.CASCADE,
        related_name="national_coordinators",
        verbose_name=_("country"),
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("national coordinator")
        verbose_name_plural = _("national coordinators")
        ordering = ["country__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "country"],
                name="national_coordinator_unique",
                violation_error_message=_(
                    "This person is already a national coordinator of this country."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.country}"


class Viewer(models.Model):
    """Read-only access for analysts and embassy staff; the country or institution is a note."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="viewer_role",
        verbose_name=_("user"),
    )
    country = models.ForeignKey(
        Country, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("country")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("institution"),
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("viewer")
        verbose_name_plural = _("viewers")
        ordering = ["user__username"]

    def __str__(self):
        return str(self.user)
