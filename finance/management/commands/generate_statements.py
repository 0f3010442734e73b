import argparse

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ecf.models import Cohort, LeadProvider
from finance.services.statements import statement_calendar_generate


class Command(BaseCommand):
    help = (
        "Create the statement calendar of a cohort for every lead provider with a contract for it (or one "
        "provider): one statement a month with its cut-off, payment date and output-fee flag. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cohort", type=int, required=True, metavar="YEAR")
        parser.add_argument("--lead-provider", metavar="NAME", help="only this provider (exact name)")
        parser.add_argument(
            "--output-months",
            type=_months,
            metavar="1,4,8,10",
            help="the months whose statements take output fees (default: January, April, August, October)",
        )

    def handle(
        self,
        *args: object,
        cohort: int,
        lead_provider: str | None,
        output_months: frozenset[int] | None,
        **options: object,
    ) -> None:
        found = Cohort.objects.filter(start_year=cohort).first()
        if found is None:
            raise CommandError(f"There is no {cohort} cohort.")
        providers = LeadProvider.objects.filter(contracts__cohort=found).distinct().order_by("name")
        if lead_provider:
            providers = providers.filter(name__iexact=lead_provider)
            if not providers:
                raise CommandError(f"No lead provider named {lead_provider!r} has a contract for {cohort}.")
        for provider in providers:
            try:
                created = statement_calendar_generate(lead_provider=provider, cohort=found, output_months=output_months)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            self.stdout.write(f"{provider.name}: {created} statement(s) created for {cohort}.")


def _months(value: str) -> frozenset[int]:
    try:
        months = frozenset(int(part) for part in value.split(","))
    except ValueError as error:
        raise argparse.ArgumentTypeError("give month numbers separated by commas, e.g. 1,4,8,10") from error
    if not months or not months <= set(range(1, 13)):
        raise argparse.ArgumentTypeError("months are numbers from 1 to 12")
    return months
