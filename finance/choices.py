from django.db import models


class StatementStatus(models.TextChoices):
    OPEN = "open", "Open"
    PAYABLE = "payable", "Payable"
    PAID = "paid", "Paid"


class ContractType(models.TextChoices):
    ECF = "ecf", "ECF (banded, ECTs and mentors together; 2021 to 2024)"
    ITTECF_ECTP = "ittecf_ectp", "ITTECF/ECTP (banded ECTs, flat-rate mentors; 2025 onwards)"


class BandName(models.TextChoices):
    A = "A", "Band A"
    B = "B", "Band B"
    C = "C", "Band C"
    D = "D", "Band D"
