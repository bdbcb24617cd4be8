"""ESF calls, the organisations behind the projects, and the mandated projects themselves."""

from __future__ import annotations

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q
from django.db.models.functions import Cast, Lower, Right, Substr, Upper
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from stdnum.be import vat as be_vat

from doorstroom.audit import audited
from doorstroom.concurrency import version_bump_trigger, version_field

# A mandate without a province: the value a URL, a filter and the command line give for it (the
# same in every language), and how it reads.
UNKNOWN_PROVINCE = "onbekend"
UNKNOWN_PROVINCE_LABEL = _("unknown")


class Province(models.Model):
    """A Flemish province or the Brussels-Capital Region, with its NIS and ISO 3166-2 codes."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    nis_code = models.CharField(_("NIS code"), max_length=5, unique=True)
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=6, unique=True)
    version = version_field()

    class Meta:
        triggers = [version_bump_trigger()]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nis_code__regex=r"^[0-9]{5}$"),
                name="province_nis_code_5_digits",
                violation_error_message=_("The NIS code of a province is five digits, e.g. 10000."),
            ),
            models.CheckConstraint(
                condition=Q(iso_code__regex=r"^BE-[A-Z]{3}$"),
                name="province_iso_code_format",
                violation_error_message=_(
                    "The ISO code of a province is BE- followed by three capitals, e.g. BE-VAN."
                ),
            ),
        ]

    # What __str__ reads: all a select of these loads (doorstroom.filters).
    LABEL_FIELDS = ("name",)

    def __str__(self) -> str:
        return self.name


class CallTarget(models.TextChoices):
    LDE = "LDE", _("Local services economy (LDE)")
    BW_SW = "BW/SW", _("Sheltered and social workshops (BW/SW)")
    SE = "SE", _("Social economy (SE)")


@audited()
class Call(models.Model):
    """An ESF call for proposals under which projects were mandated."""

    number = models.PositiveIntegerField(_("call number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    target = models.CharField(_("target group"), max_length=10, choices=CallTarget.choices)
    # Answers to parliament list the calls in an order of their own (366, 390, 380, 432),
    # not by number; exports follow it.
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)
    version = version_field()

    class Meta:
        triggers = [version_bump_trigger()]
        verbose_name = _("ESF call")
        verbose_name_plural = _("ESF calls")
        ordering = ["display_order", "number"]

    # What __str__ reads: all a select of these loads (doorstroom.filters).
    LABEL_FIELDS = ("number", "title")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class OrganisationKind(models.TextChoices):
    NONPROFIT = "vzw", _("Non-profit association (vzw)")
    COMPANY = "company", _("Company")
    PUBLIC = "public", _("Public body")
    FEDERATION = "federation", _("Federation or umbrella organisation")
    CONSULTANCY = "consultancy", _("Consultancy")
    OTHER = "other", _("Other")


def validate_kbo_number(value: str) -> None:
    if not be_vat.is_valid(value):
        raise ValidationError(
            _(
                "%(value)s is not a valid enterprise number: it has 10 digits, starts with 0 "
                "or 1, and its last two digits are 97 minus the first eight modulo 97."
            ),
            params={"value": value},
            code="invalid_kbo",
        )


@audited()
class Organisation(models.Model):
    """One real organisation, whatever spellings it appears under in the sources."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.OTHER
    )
    kbo_number = models.CharField(
        _("enterprise number (KBO)"),
        max_length=10,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_kbo_number],
        help_text=_("Ten digits without dots, e.g. 0403170701."),
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    version = version_field()

    class Meta:
        triggers = [version_bump_trigger()]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="organisation_name_unique_ci",
                violation_error_message=_(
                    "An organisation with this name already exists (capitals aside): choose"
                    " that one, or add this spelling to it."
                ),
            ),
            # Format and modulo-97 check digits, so no path around the form stores a wrong one.
            models.CheckConstraint(
                condition=Q(kbo_number__isnull=True)
                | (
                    Q(kbo_number__regex=r"^[01][0-9]{9}$")
                    & Exact(
                        Cast(Right("kbo_number", 2), models.IntegerField()),
                        97 - Cast(Substr("kbo_number", 1, 8), models.BigIntegerField()) % 97,
                    )
                ),
                name="organisation_kbo_number_valid",
                violation_error_message=_(
                    "This is not a valid enterprise number (KBO): ten digits starting with "
                    "0 or 1, the last two check digits. Check it in the KBO."
                ),
            ),
        ]

    # What __str__ reads: all a select of these loads (doorstroom.filters).
    LABEL_FIELDS = ("name",)

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kbo_number:
            self.kbo_number = be_vat.compact(self.kbo_number)


class OrganisationAlias(models.Model):
    """Another spelling under which an organisation appears (e.g. on a mandate)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("spelling"), max_length=300)

    class Meta:
        verbose_name = _("other spelling")
        verbose_name_plural = _("other spellings")
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="organisation_alias_unique_ci",
                violation_error_message=_(
                    "This spelling is already given for an organisation (capitals aside); a"
                    " spelling names one organisation only."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MandateStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    ENDED = "ended", _("ended")
    WITHDRAWN = "withdrawn", _("withdrawn")


class MandateQuerySet(models.QuerySet):
    def for_listing(self) -> MandateQuerySet:
        """What the listing page, the admin and the exports show, in one query."""
        return (
            self.select_related("call", "promoter")
            .annotate(
                province_names=StringAgg(
                    "provinces__name", delimiter=", ", order_by="provinces__name", default=""
                )
            )
            .order_by("call__display_order", "call__number", "project_number")
        )

    def visible_to(self, user) -> MandateQuerySet:
        """The mandates this user may see: all, their province's, or their organisation's."""
        from doorstroom import roles

        if roles.sees_everything(user):
            return self
        if province_id := roles.scope_province_id(user):
            return self.filter(working_area__province_id=province_id)
        if organisation_id := roles.scope_organisation_id(user):
            partner_of = ConsortiumPartner.objects.filter(organisation_id=organisation_id)
            return self.filter(
                Q(promoter_id=organisation_id) | Q(pk__in=partner_of.values("mandate_id"))
            )
        return self.none()

    def search(self, text: str) -> MandateQuerySet:
        text = text.strip()
        if not text:
            return self
        condition = (
            Q(name__icontains=text)
            | Q(promoter_as_written__icontains=text)
            | Q(promoter__name__icontains=text)
        )
        if text.isdigit():
            condition |= Q(project_number=int(text)) | Q(call__number=int(text))
        return self.filter(condition)

    def with_unknown_province(self) -> MandateQuerySet:
        return self.filter(provinces__isnull=True)

    def counts_per_call(self) -> list[dict]:
        return list(
            self.order_by()
            .values("call__number", "call__title", "call__display_order")
            .annotate(count=Count("id", distinct=True))
            .order_by("call__display_order", "call__number")
        )

    def counts_per_province(self) -> list[dict]:
        """Counts per province; a mandate working in two provinces counts in both."""
        return list(
            self.order_by()
            .values(province=F("provinces__name"))
            .annotate(count=Count("id", distinct=True))
            .order_by(F("province").asc(nulls_last=True))
        )


@audited()
class Mandate(models.Model):
    """A project mandated by VDAB under an ESF call to guide target-group workers."""

    project_number = models.PositiveIntegerField(_("project number"), unique=True)
    name = models.CharField(_("project name"), max_length=200)
    call = models.ForeignKey(
        Call, verbose_name=_("ESF call"), on_delete=models.PROTECT, related_name="mandates"
    )
    promoter = models.ForeignKey(
        Organisation,
        verbose_name=_("promoter"),
        on_delete=models.PROTECT,
        related_name="promoted_mandates",
    )
    # The source spells one organisation in several ways; parliament gets it as written.
    promoter_as_written = models.CharField(
        _("promoter as written"),
        max_length=300,
        help_text=_("The promoter's name exactly as the mandate or the source writes it."),
    )
    provinces = models.ManyToManyField(
        Province,
        through="MandateProvince",
        verbose_name=_("working area"),
        blank=True,
        related_name="mandates",
        help_text=_("Leave empty while the province is unknown; never guess it."),
    )
    province_basis = models.CharField(
        _("basis for the province"),
        max_length=200,
        blank=True,
        help_text=_("Where the working area comes from, e.g. the project name."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MandateStatus.choices, default=MandateStatus.ACTIVE
    )
    partners = models.ManyToManyField(
        Organisation,
        through="ConsortiumPartner",
        related_name="partner_in_mandates",
        verbose_name=_("consortium partners"),
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MandateQuerySet.as_manager()
    version = version_field()

    class Meta:
        triggers = [version_bump_trigger()]
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["project_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="mandate_end_not_before_start",
                violation_error_message=_("The end date is before the start date."),
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="mandate_name_not_empty",
                violation_error_message=_("A mandate needs a project name."),
            ),
            models.CheckConstraint(
                condition=~Q(promoter_as_written=""),
                name="mandate_promoter_as_written_not_empty",
                violation_error_message=_(
                    "Write the promoter's name as the mandate or the source writes it; it "
                    "cannot be empty."
                ),
            ),
        ]
        indexes = [
            # Free-text search on the listing page: icontains is UPPER(col) LIKE UPPER('%x%').
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="mandate_name_trgm"),
            GinIndex(
                OpClass(Upper("promoter_as_written"), name="gin_trgm_ops"),
                name="mandate_promoter_trgm",
            ),
        ]

    # What __str__ reads: all a select of these loads (doorstroom.filters).
    LABEL_FIELDS = ("project_number", "name")

    def __str__(self) -> str:
        return f"{self.project_number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("mandates:detail", args=[self.project_number])

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})


@audited()
class MandateProvince(models.Model):
    """A province in a mandate's working area (its own model, so the audit trail sees it)."""

    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="working_area")
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("province of the working area")
        verbose_name_plural = _("working area")
        constraints = [
            models.UniqueConstraint(fields=["mandate", "province"], name="mandate_province_once"),
        ]

    def __str__(self) -> str:
        return str(self.province)


class PartnerRole(models.TextChoices):
    PARTNER = "partner", _("partner")
    CO_PROMOTER = "co-promoter", _("co-promoter")
    SUBCONTRACTOR = "subcontractor", _("subcontractor")


@audited()
class ConsortiumPartner(models.Model):
    """An organisation taking part in a mandated project's consortium, with its role."""

    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="partnerships")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="partnerships",
    )
    role = models.CharField(
        _("role"), max_length=20, choices=PartnerRole.choices, default=PartnerRole.PARTNER
    )

    class Meta:
        verbose_name = _("consortium partner")
        verbose_name_plural = _("consortium partners")
        constraints = [
            models.UniqueConstraint(
                fields=["mandate", "organisation"], name="consortium_partner_once_per_mandate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"

    def clean(self) -> None:
        if self.mandate_id and self.organisation_id == self.mandate.promoter_id:
            raise ValidationError(
                {"organisation": _("The promoter is not listed again as a partner.")}
            )
