"""Test data factories for the `finance` models (factory-boy; test-only code).

    ContractFactory()                    # ECF contract v0.0.1 of a new lead provider for the 2024 cohort
                                         # (get_or_create on lead provider + cohort + version)
    ContractFactory(ittecf=True)         # 2025-style contract with a flat mentor rate
    BandFactory()                        # band A (1 to 2,000 participants) of a new contract
    StatementFactory()                   # an open output-fee statement; its contract has the same lead
                                         # provider and cohort
    StatementFactory(payable=True) / (paid=True)
    AdjustmentFactory()                  # a £100 adjustment on a new statement

Statements of one lead provider and cohort get consecutive, distinct months (from January after the
cohort's start year) unless `year`/`month` are given. To test `contract_version_unique`, use
`Contract.objects.create(...)`.
"""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from finance.choices import BandName, ContractType, StatementStatus
from finance.models import Adjustment, Band, Contract, Statement
from tests.ecf.factories import CohortFactory, LeadProviderFactory


class ContractFactory(factory.django.DjangoModelFactory[Contract]):
    class Meta:
        model = Contract
        django_get_or_create = ("lead_provider", "cohort", "version")

    class Params:
        ittecf = factory.Trait(
            contract_type=ContractType.ITTECF_ECTP,
            mentor_recruitment_target=500,
            mentor_payment_per_participant=Decimal("1000.00"),
        )

    lead_provider = factory.SubFactory(LeadProviderFactory)
    cohort = factory.SubFactory(CohortFactory)
    version = "0.0.1"
    contract_type = ContractType.ECF
    recruitment_target = 2000
    set_up_fee = Decimal("0.00")
    monthly_service_fee = None
    uplift_amount = Decimal("100.00")
    uplift_target = Decimal("0.3300")
    vat_rate = Decimal("0.2000")
    mentor_recruitment_target = None
    mentor_payment_per_participant = None


class BandFactory(factory.django.DjangoModelFactory[Band]):
    class Meta:
        model = Band

    contract = factory.SubFactory(ContractFactory)
    name = BandName.A
    min = None
    max = 2000
    per_participant = Decimal("1200.00")
    output_payment_percentage = 60
    service_fee_percentage = 40


class StatementFactory(factory.django.DjangoModelFactory[Statement]):
    class Meta:
        model = Statement

    class Params:
        # Months counted from January after the cohort's start year; a sequence keeps them distinct.
        month_index = factory.Sequence(lambda n: n)
        # Or a cut-off day: paid 25 days later, and named by the month it is paid in, as the calendar does.
        cut_off = None
        payable = factory.Trait(status=StatementStatus.PAYABLE)
        paid = factory.Trait(status=StatementStatus.PAID, marked_as_paid_at=factory.LazyFunction(timezone.now))

    lead_provider = factory.SubFactory(LeadProviderFactory)
    cohort = factory.SubFactory(CohortFactory)
    contract = factory.SubFactory(
        ContractFactory,
        lead_provider=factory.SelfAttribute("..lead_provider"),
        cohort=factory.SelfAttribute("..cohort"),
    )
    year = factory.LazyAttribute(
        lambda o: o.payment_date.year if o.cut_off else o.cohort.start_year + 1 + o.month_index // 12
    )
    month = factory.LazyAttribute(lambda o: o.payment_date.month if o.cut_off else o.month_index % 12 + 1)
    deadline_date = factory.LazyAttribute(lambda o: o.cut_off or dt.date(o.year, o.month, 1) - dt.timedelta(days=1))
    payment_date = factory.LazyAttribute(
        lambda o: o.cut_off + dt.timedelta(days=25) if o.cut_off else dt.date(o.year, o.month, 25)
    )
    output_fee = True
    status = StatementStatus.OPEN
    marked_as_paid_at = None


class AdjustmentFactory(factory.django.DjangoModelFactory[Adjustment]):
    class Meta:
        model = Adjustment

    statement = factory.SubFactory(StatementFactory)
    description = factory.Sequence(lambda n: f"Adjustment {n}")
    amount = Decimal("100.00")
