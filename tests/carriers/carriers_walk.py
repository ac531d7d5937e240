"""The carriers' objects for the persona walk (tests/foundation/test_persona_walk.py): one carrier
in 松山湖 operated by the operator persona's organisation, with an evaluation result, the enterprise
persona's enterprise incubated there, an instrument with the enterprise persona's booking, and a talent
application of 松山湖 (of another applicant)."""

from __future__ import annotations

import datetime as dt


def carriers_walk_data(personas) -> dict:
    from kechuang.accounts.models import OrgUnit, User
    from kechuang.carriers.models import (
        Booking,
        Carrier,
        EvaluationResult,
        IncubatedEnterprise,
        Instrument,
        TalentApplication,
    )
    from kechuang.enterprises.models import Enterprise
    from tests.personas import ENTERPRISE_CREDIT_CODE

    org = OrgUnit.objects.get(code="car_persona")  # the operator persona's: its own carrier
    carrier = Carrier.objects.create(
        code="W1", name="走查孵化器", kind="incubator", operator=org, region_code="441900401"
    )
    IncubatedEnterprise.objects.create(  # the API's {credit_code}: the persona's enterprise
        carrier=carrier,
        enterprise=Enterprise.objects.get(credit_code=ENTERPRISE_CREDIT_CODE),
        entered_year=2024,
    )
    result = EvaluationResult.objects.create(
        carrier=carrier,
        template="incubator_operation",
        template_version="1",
        period="2025",
        evaluation_class="comprehensive",
        total=70,
        grade="B",
        grade_label="良好",
        rank=1,
        cohort_size=1,
    )
    instrument = Instrument.objects.create(code="WQ1", name="走查仪器", owner=carrier, value=100)
    booking = Booking.objects.create(
        instrument=instrument,
        applicant=personas["enterprise"],
        applicant_name="示例企业",
        year=2025,
        date=dt.date(2025, 3, 1),
        hours_requested=2,
    )
    applicant = User.objects.create(
        username="walk_applicant", role="individual", org=OrgUnit.objects.get(code="441900")
    )
    talent = TalentApplication.objects.create(
        applicant=applicant,
        person_name="走查",
        id_number_hash="x",
        employer_name="走查单位",
        region_code="441900401",
        route="recognition",
        claimed_class="C",
    )
    return {
        "carriers:carrier": ({"code": carrier.code}, carrier),
        "carriers:report": ({"code": carrier.code}, None),
        "carriers:withdraw": ({"code": carrier.code}, carrier),
        "carriers:withdraw_revoke": ({"code": carrier.code}, carrier),
        "carriers:evaluation": ({"pk": result.pk}, result),
        "carriers:instrument": ({"code": instrument.code}, instrument),
        "carriers:book": ({"code": instrument.code}, None),
        "carriers:booking_action": ({"pk": booking.pk}, booking),
        "carriers:voucher": ({"pk": booking.pk}, None),
        "carriers:talent": ({"pk": talent.pk}, talent),
        "carriers:talent_action": ({"pk": talent.pk}, talent),
        "carriers:incubated": ({"code": carrier.code}, carrier),
        "carriers:targets": ({"code": carrier.code}, carrier),
        # API path parameters
        "api:{carrier_code}": (carrier.code, carrier),
        "api:{talent_id}": (str(talent.pk), talent),
        "api:{booking_id}": (str(booking.pk), booking),
    }
