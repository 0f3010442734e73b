from typing import Any

from django.core.management.base import BaseCommand, CommandError

from finance.services.integrity import finance_integrity_violations


class Command(BaseCommand):
    help = (
        "Check the statement invariants the database cannot hold by itself (finance.services.integrity): "
        "statements and their contracts, declarations and their statements, paid statements settled, declarations "
        "on shared training records listed. Prints one line per violation and exits non-zero when there is any."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        violations = finance_integrity_violations()
        for violation in violations:
            self.stdout.write(str(violation))
        if violations:
            raise CommandError(f"{len(violations)} finance integrity violation(s).")
        self.stdout.write(self.style.SUCCESS("Finance integrity: no violations."))
