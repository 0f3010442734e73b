from django.core.management.base import BaseCommand

from finance.services.statements import statements_mark_payable


class Command(BaseCommand):
    help = (
        "Move every open statement whose cut-off has passed to payable, with its eligible declarations. "
        "Catches up on missed days; a second run does nothing. Run it daily."
    )

    def handle(self, *args: object, **options: object) -> None:
        moved = statements_mark_payable()
        self.stdout.write(f"{moved} statement(s) moved to payable.")
