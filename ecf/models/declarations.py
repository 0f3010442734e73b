from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from ecf.choices import (
    BILLABLE_DECLARATION_STATES,
    LIVE_DECLARATION_STATES,
    REFUNDABLE_DECLARATION_STATES,
    CourseIdentifier,
    DeclarationState,
    DeclarationType,
    EvidenceHeld,
    IneligibleReason,
)
from ecf.models.base import ApiResourceModel

VOIDED_STATES = (DeclarationState.VOIDED, *REFUNDABLE_DECLARATION_STATES)


class Declaration(ApiResourceModel):
    """A declaration: a lead provider's claim that a participant reached a milestone of their
    training; it drives output payments. Paid on `payment_statement`, and when voided after payment
    clawed back on `clawback_statement` (both `finance.Statement`: the data needs the link, the
    behaviour lives in `finance`)."""

    participant = models.ForeignKey("ecf.Participant", on_delete=models.PROTECT, related_name="declarations")
    training_record = models.ForeignKey("ecf.TrainingRecord", on_delete=models.PROTECT, related_name="declarations")
    lead_provider = models.ForeignKey("ecf.LeadProvider", on_delete=models.PROTECT, related_name="declarations")
    cohort = models.ForeignKey("ecf.Cohort", on_delete=models.PROTECT, related_name="declarations")
    course_identifier = models.CharField(max_length=16, choices=CourseIdentifier.choices)
    declaration_type = models.CharField(max_length=16, choices=DeclarationType.choices)
    declaration_date = models.DateTimeField()
    evidence_held = models.CharField(max_length=48, choices=EvidenceHeld.choices, blank=True)
    state = models.CharField(
        max_length=20, choices=DeclarationState.choices, default=DeclarationState.SUBMITTED, db_index=True
    )
    ineligible_reason = models.CharField(max_length=32, choices=IneligibleReason.choices, blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded"
    )
    delivery_partner = models.ForeignKey(
        "ecf.DeliveryPartner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declarations",
        help_text="The delivery partner at the declaration date.",
    )
    mentor = models.ForeignKey(
        "ecf.Participant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentored_declarations",
        help_text="The ECT's mentor at the declaration date.",
    )
    pupil_premium_uplift = models.BooleanField(default=False)
    sparsity_uplift = models.BooleanField(default=False)
    payment_statement = models.ForeignKey(
        "finance.Statement", on_delete=models.PROTECT, null=True, blank=True, related_name="paid_declarations"
    )
    clawback_statement = models.ForeignKey(
        "finance.Statement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clawed_back_declarations",
    )
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["lead_provider", "created_at"], name="declaration_provider_idx"),
            models.Index(fields=["api_updated_at", "id"], name="declaration_sync_idx"),
        ]
        constraints = [
            # D5: one live declaration per participant + course + type, across all providers.
            models.UniqueConstraint(
                fields=["participant", "course_identifier", "declaration_type"],
                condition=models.Q(state__in=LIVE_DECLARATION_STATES),
                name="declaration_one_live_per_slot",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=BILLABLE_DECLARATION_STATES + REFUNDABLE_DECLARATION_STATES)
                | models.Q(payment_statement__isnull=False),
                name="declaration_billable_has_payment_statement",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=REFUNDABLE_DECLARATION_STATES, clawback_statement__isnull=False)
                | (~models.Q(state__in=REFUNDABLE_DECLARATION_STATES) & models.Q(clawback_statement__isnull=True)),
                name="declaration_clawback_statement_iff_refundable",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=VOIDED_STATES, voided_at__isnull=False)
                | (~models.Q(state__in=VOIDED_STATES) & models.Q(voided_at__isnull=True)),
                name="declaration_voided_at_iff_voided",
            ),
            models.CheckConstraint(
                condition=models.Q(state=DeclarationState.INELIGIBLE) | models.Q(ineligible_reason=""),
                name="declaration_reason_only_when_ineligible",
            ),
            models.CheckConstraint(
                condition=~models.Q(payment_statement=models.F("clawback_statement")),
                name="declaration_clawback_on_later_statement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.declaration_type} for {self.participant} ({self.state})"

    def clean(self) -> None:
        record = self.training_record
        if self.participant_id != record.participant_id:
            raise ValidationError({"participant": "The participant must be the training record's participant."})
        expected_course = record.course_identifier
        if self.course_identifier != expected_course:
            raise ValidationError({"course_identifier": f"A {record.participant_type} record uses {expected_course}."})

    @property
    def is_ect(self) -> bool:
        return self.course_identifier == CourseIdentifier.ECT


class SharedRecordDeclaration(models.Model):
    """A declaration on a training record that a lead provider other than the declaring one trains or has
    trained: the only declarations another provider can ever see (`ecf.selectors.declarations`). Such
    declarations are rare (a participant's move between providers), so the declarations list rules out the
    rest with a lookup in this small table instead of building each provider's training records per page.

    Written by the database alone: triggers on declarations and training periods (migration 0005) add a
    row whenever a declaration and another provider's period meet, whichever is written first and however
    (services, bulk seed, admin, `QuerySet.update()`), so no write path can forget it. Rows are only ever
    added: one left behind by a deleted period costs the selector's exact check a lookup, and never shows
    a declaration the rules hide."""

    declaration = models.OneToOneField(Declaration, on_delete=models.CASCADE, primary_key=True, related_name="+")

    def __str__(self) -> str:
        return f"declaration {self.declaration_id} on a shared training record"
