"""Lead providers report partnerships with schools and change their delivery partner (domain rules §9,
decision D8).

- Several providers may partner the same school in a cohort; a provider has at most one partnership
  per school and cohort (the constraint `partnership_one_per_provider_school_cohort`).
- A partnership the school has challenged cannot be changed. The provider revives it by reporting it
  again: the same row (same id) becomes active, with the delivery partner just reported.
- Reporting a partnership, reviving it or changing its delivery partner gives the school a new
  window to challenge it (`challenge_deadline`).

Every rule that reads the time reads `ecf.clock` (the sandbox clock of decision D18). Rule violations
are collected and raised once as a `ValidationError({field: [messages]})`; nothing is written then.
"""

import calendar
import datetime as dt
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ecf import clock
from ecf.audit import set_change_reason
from ecf.choices import InductionProgrammeChoice
from ecf.models import Cohort, DeliveryPartner, LeadProvider, School, SchoolCohort
from partnerships.choices import ChallengeReason, PartnershipStatus
from partnerships.models import Partnership, ProviderRelationship

COHORT_INVALID = "The '#/cohort' you have entered is invalid. Check the cohort and try again."
COHORT_CLOSED = (
    "Payments are frozen for the '#/cohort' you have entered, so no partnership can be reported for it. "
    "Contact the DfE for support."
)
SCHOOL_INVALID = (
    "The '#/school_id' you have entered is invalid. Check the school details and try again, or contact the "
    "DfE for support if you cannot find the '#/school_id'."
)
SCHOOL_INELIGIBLE = (
    "The school with the '#/school_id' you have entered is currently ineligible for DfE funding. "
    "Contact the school for more information."
)
SCHOOL_ALREADY_CONFIRMED = (
    "You are already in a confirmed partnership with the school with this '#/school_id' for the cohort "
    "you have entered."
)
DELIVERY_PARTNER_INVALID = (
    "The '#/delivery_partner_id' you have entered is invalid. Check the delivery partner details and try again."
)
DELIVERY_PARTNER_NOT_RELATED = (
    "The delivery partner with the '#/delivery_partner_id' you have entered is not recognised as working with "
    "you in this partnership's cohort. Contact the DfE for more information."
)
PARTNERSHIP_CHALLENGED = (
    "The partnership with this '#/id' has been challenged by the school, so it cannot be changed. Report the "
    "partnership again (POST) to restore it, or contact the school for more information."
)

CHALLENGE_WINDOW_MONTHS = 2
CHALLENGE_WINDOW_MIN_DAYS = 14


def challenge_deadline(*, cohort: Cohort) -> dt.datetime:
    """Until when the school may challenge a partnership reported (or changed) now: 00:00 Europe/London
    at the start of the later of two days: academic year start + 2 months - 1 day (the last day of the
    academic year's second month) and today + 14 days (domain rules §2.4)."""
    window_end = _add_months(cohort.academic_year_start_date, CHALLENGE_WINDOW_MONTHS) - dt.timedelta(days=1)
    day = max(window_end, clock.today() + dt.timedelta(days=CHALLENGE_WINDOW_MIN_DAYS))
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


def partnership_create(
    *, lead_provider: LeadProvider, cohort: str, school_id: UUID, delivery_partner_id: UUID
) -> Partnership:
    """Reports that `lead_provider` partners the school in the cohort (given as its start year) with
    the delivery partner; returns the partnership.

    The cohort must exist with payments not frozen; the school must exist and be eligible for funding;
    the delivery partner must exist and the department must allow the provider to work with it in the
    cohort (a `ProviderRelationship`); the provider must not already have an active partnership with the
    school in the cohort. A challenged one is revived (same id). The school gets a provider-led
    `SchoolCohort` for the cohort if it has none. Two racing requests for one school and cohort end with
    one partnership: the other request is told it is already confirmed."""
    with transaction.atomic():
        errors: dict[str, list[str]] = {}
        found_cohort = _cohort(cohort, errors)
        # Locking the school serialises every report for it: racing reports of this provider (one
        # succeeds, the other sees it confirmed) and of several providers (one SchoolCohort).
        school = School.objects.select_for_update().filter(pk=school_id).first()
        if school is None:
            errors.setdefault("school_id", []).append(SCHOOL_INVALID)
        elif not school.funding_eligible:
            errors.setdefault("school_id", []).append(SCHOOL_INELIGIBLE)
        existing = None
        if school is not None and found_cohort is not None:
            existing = (
                Partnership.objects.select_for_update()
                .filter(lead_provider=lead_provider, school=school, cohort=found_cohort)
                .first()
            )
            if existing is not None and not existing.is_challenged and "school_id" not in errors:
                errors.setdefault("school_id", []).append(SCHOOL_ALREADY_CONFIRMED)
        delivery_partner = _related_delivery_partner(lead_provider, delivery_partner_id, found_cohort, errors)
        if errors:
            raise ValidationError(errors)
        assert found_cohort is not None
        assert school is not None
        assert delivery_partner is not None

        if existing is not None:
            partnership = existing
            partnership.status = PartnershipStatus.ACTIVE
            partnership.challenge_reason = ""
            partnership.challenged_at = None
            action = "reported again"
        else:
            partnership = Partnership(lead_provider=lead_provider, school=school, cohort=found_cohort)
            action = "reported"
        partnership.delivery_partner = delivery_partner
        partnership.challenge_deadline = challenge_deadline(cohort=found_cohort)
        set_change_reason(partnership, f"API: partnership {action} by {lead_provider.name}")
        try:
            with transaction.atomic():
                partnership.save()
        except IntegrityError as error:
            # Only possible without the school lock (a database that ignores select_for_update): the
            # racing report won, so this one is a report of a confirmed partnership.
            if existing is None and _exists(lead_provider, school, found_cohort):
                raise ValidationError({"school_id": [SCHOOL_ALREADY_CONFIRMED]}) from error
            raise

        _ensure_school_cohort(school, found_cohort, lead_provider)
        return partnership


def partnership_update(*, lead_provider: LeadProvider, partnership_id: UUID, delivery_partner_id: UUID) -> Partnership:
    """Changes the delivery partner of one of `lead_provider`'s partnerships (same id); returns it.

    Another provider's partnership does not exist for this one (`Partnership.DoesNotExist`). A challenged
    partnership cannot be changed. The delivery partner must exist and the provider must be allowed to
    work with it in the partnership's cohort. Naming the current delivery partner changes nothing;
    another one gives the school a new window to challenge."""
    with transaction.atomic():
        partnership = (
            Partnership.objects.select_for_update()
            .select_related("cohort")
            .get(pk=partnership_id, lead_provider=lead_provider)
        )
        errors: dict[str, list[str]] = {}
        if partnership.is_challenged:
            errors["id"] = [PARTNERSHIP_CHALLENGED]
        delivery_partner = _related_delivery_partner(lead_provider, delivery_partner_id, partnership.cohort, errors)
        if errors:
            raise ValidationError(errors)
        assert delivery_partner is not None
        if delivery_partner.pk == partnership.delivery_partner_id:
            return partnership

        partnership.delivery_partner = delivery_partner
        partnership.challenge_deadline = challenge_deadline(cohort=partnership.cohort)
        set_change_reason(partnership, f"API: delivery partner changed by {lead_provider.name}")
        partnership.save()
        return partnership


def _cohort(year: str, errors: dict[str, list[str]]) -> Cohort | None:
    cohort = Cohort.objects.filter(start_year=int(year)).first() if year.isascii() and year.isdigit() else None
    if cohort is None:
        errors.setdefault("cohort", []).append(COHORT_INVALID)
        return None
    if cohort.payments_frozen_at is not None and clock.now() >= cohort.payments_frozen_at:
        errors.setdefault("cohort", []).append(COHORT_CLOSED)
    return cohort


def _related_delivery_partner(
    lead_provider: LeadProvider, delivery_partner_id: UUID, cohort: Cohort | None, errors: dict[str, list[str]]
) -> DeliveryPartner | None:
    delivery_partner = DeliveryPartner.objects.filter(pk=delivery_partner_id).first()
    if delivery_partner is None:
        errors.setdefault("delivery_partner_id", []).append(DELIVERY_PARTNER_INVALID)
        return None
    if (
        cohort is not None
        and not ProviderRelationship.objects.filter(
            lead_provider=lead_provider, delivery_partner=delivery_partner, cohort=cohort
        ).exists()
    ):
        errors.setdefault("delivery_partner_id", []).append(DELIVERY_PARTNER_NOT_RELATED)
    return delivery_partner


def _ensure_school_cohort(school: School, cohort: Cohort, lead_provider: LeadProvider) -> None:
    """A school reported as partnered has arrangements for the cohort: provider-led unless it chose."""
    if SchoolCohort.objects.filter(school=school, cohort=cohort).exists():
        return
    school_cohort = SchoolCohort(
        school=school, cohort=cohort, induction_programme_choice=InductionProgrammeChoice.PROVIDER_LED
    )
    set_change_reason(school_cohort, f"API: provider-led, as {lead_provider.name} reported a partnership")
    try:
        with transaction.atomic():
            school_cohort.save()
    except IntegrityError:
        # Only without the school lock: a racing report made it first, which is all this needs.
        if not SchoolCohort.objects.filter(school=school, cohort=cohort).exists():
            raise


def _exists(lead_provider: LeadProvider, school: School, cohort: Cohort) -> bool:
    return Partnership.objects.filter(lead_provider=lead_provider, school=school, cohort=cohort).exists()


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = month_index + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


CHALLENGE_REASON_INVALID = "Choose why the school challenged the partnership: {choices}."
PARTNERSHIP_ALREADY_CHALLENGED = "The school has already challenged this partnership."


def partnership_challenge(
    *, partnership: Partnership, reason: str, challenged_at: dt.datetime | None = None, recorded_by: str
) -> Partnership:
    """Records (in the back office) that the school challenged `partnership` for `reason`, one of
    `ChallengeReason`; returns it, challenged at `challenged_at` (now by default).

    Staff may record a challenge at any time, whatever the challenge deadline (domain rules §9). An
    already challenged partnership is refused. The provider then no longer sees the partnership's
    participants (decision D8) until it reports the partnership again."""
    with transaction.atomic():
        locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
        errors: dict[str, list[str]] = {}
        if locked.is_challenged:
            errors["partnership"] = [PARTNERSHIP_ALREADY_CHALLENGED]
        if reason not in ChallengeReason.values:
            errors["reason"] = [CHALLENGE_REASON_INVALID.format(choices=", ".join(ChallengeReason.values))]
        if errors:
            raise ValidationError(errors)

        locked.status = PartnershipStatus.CHALLENGED
        locked.challenge_reason = reason
        locked.challenged_at = challenged_at or clock.now()
        set_change_reason(locked, f"challenged ({reason}) recorded by {recorded_by}")
        locked.save()
        return locked
