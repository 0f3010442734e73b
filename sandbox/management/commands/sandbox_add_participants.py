from argparse import ArgumentTypeError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecf.choices import SCHEDULE_IDENTIFIERS, DeclarationType, FundingEligibility, ParticipantType, TrainingStatus
from ecf.management.providers import lead_provider_named
from ecf.models import School
from sandbox.services.participants import (
    MAX_PER_REQUEST,
    REQUESTABLE_STATES,
    DeclarationSpec,
    ParticipantSpec,
    sandbox_participants_create,
)


def declaration(text: str) -> DeclarationSpec:
    """`started` (declared now) or `started:paid` (a milestone and the state it has reached)."""
    declaration_type, _, state = text.partition(":")
    if declaration_type not in DeclarationType.values:
        raise ArgumentTypeError(f"{declaration_type!r} is not a milestone: one of {', '.join(DeclarationType.values)}")
    if state and state not in REQUESTABLE_STATES:
        raise ArgumentTypeError(f"{state!r} is not a state: one of {', '.join(REQUESTABLE_STATES)}")
    return DeclarationSpec(declaration_type, state or None)


class Command(BaseCommand):
    help = (
        "Sandbox only: add test participants trained by a lead provider (what POST /api/v3/sandbox/participants "
        f"does), up to {MAX_PER_REQUEST} at a time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--lead-provider", required=True, metavar="NAME", help="the lead provider's name")
        parser.add_argument("--count", type=int, default=1)
        parser.add_argument("--cohort", type=int, metavar="YEAR", help="default: the newest cohort")
        parser.add_argument("--participant-type", choices=ParticipantType.values, default=ParticipantType.ECT)
        parser.add_argument("--schedule", choices=SCHEDULE_IDENTIFIERS, default="ecf-standard-september")
        parser.add_argument("--funding", choices=FundingEligibility.values, default=FundingEligibility.ELIGIBLE)
        parser.add_argument("--school-urn", help="a school the provider partners in the cohort; default: any")
        parser.add_argument("--training-status", choices=TrainingStatus.values, default=TrainingStatus.ACTIVE)
        parser.add_argument(
            "--declare",
            action="append",
            default=[],
            type=declaration,
            metavar="MILESTONE[:STATE]",
            help="repeat, in the order made: started (declared now), or started:paid with a state (submitted, "
            "eligible, payable or paid: payable and paid are dated on a past statement of that status)",
        )

    def handle(self, *args: object, **options: object) -> None:
        if not settings.SANDBOX:
            raise CommandError("sandbox_add_participants only runs where the SANDBOX setting is on.")
        provider = lead_provider_named(str(options["lead_provider"]))
        school_id = None
        if options["school_urn"]:
            school = School.objects.filter(urn=options["school_urn"]).first()
            if school is None:
                raise CommandError(f"No school has URN {options['school_urn']}.")
            school_id = school.pk
        spec = ParticipantSpec(
            count=options["count"],  # type: ignore[arg-type]
            cohort=options["cohort"],  # type: ignore[arg-type]
            participant_type=str(options["participant_type"]),
            schedule_identifier=str(options["schedule"]),
            funding_eligibility=str(options["funding"]),
            school_id=school_id,
            training_status=str(options["training_status"]),
            declarations=tuple(options["declare"]),  # type: ignore[arg-type]
        )
        try:
            added = sandbox_participants_create(lead_provider=provider, spec=spec)
        except ValidationError as error:
            raise CommandError(" ".join(f"{field}: {' '.join(m)}" for field, m in error.message_dict.items())) from None
        self.stdout.write(self.style.SUCCESS(f"Added {len(added)} participants for {provider.name}:"))
        for participant in added:
            self.stdout.write(f"  {participant.pk}  {participant.full_name}")
