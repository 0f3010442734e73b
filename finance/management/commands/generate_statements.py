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

    def handle(self, *args: object, cohort: int, lead_provider: str | None, **options: object) -> None:
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
                created = statement_calendar_generate(lead_provider=provider, cohort=found)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            self.stdout.write(f"{provider.name}: {created} statement(s) created for {cohort}.")
