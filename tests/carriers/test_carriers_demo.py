"""The carriers demo: every kind of carrier, evaluations, targets, bookings, vouchers and talent
applications in each route; a second run writes nothing."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_demo_loads_everything_once(world):
    from kechuang.audit.models import ObjectChange
    from kechuang.carriers import demo
    from kechuang.carriers.models import (
        Booking,
        Carrier,
        EvaluationResult,
        InstitutionTarget,
        Instrument,
        TalentApplication,
        TalentEvaluation,
        Voucher,
    )

    lines = demo.load_demo(seed=7)
    assert len(lines) == 4 and all(line.startswith("创新载体") for line in lines)
    kinds = set(Carrier.objects.filter(code__in=[c[1] for c in demo.INCUBATORS]).values_list("kind", "level"))
    assert {k for k, _ in kinds} == {"maker_space", "incubator", "accelerator"}
    assert {lv for _, lv in kinds} == {"市级", "省级", "国家级", "标准级", "卓越级"}
    assert Carrier.objects.filter(kind="institution").count() == 4  # three demo + the world's own
    assert InstitutionTarget.objects.filter(carrier__code__startswith="YJ").count() == 12
    # names from data carry their English: every demo instrument and target (issue 9 §5)
    assert not InstitutionTarget.objects.filter(carrier__code__startswith="YJ", name_en="").exists()
    assert not Instrument.objects.filter(code__startswith="YQ", name_en="").exists()
    assert set(EvaluationResult.objects.values_list("template", flat=True)) == {
        "incubator_operation",
        "institution_dynamic",
        "instrument_sharing",
    }
    assert EvaluationResult.objects.filter(consequence=True).exists()  # the weak national incubator
    assert Booking.objects.filter(status="done").exists() and Voucher.objects.exists()
    assert set(TalentApplication.objects.values_list("route", flat=True)) == {
        "recognition",
        "expert",
        "nomination",
    }
    assert TalentApplication.objects.filter(status="revoked", barred_until__isnull=False).exists()
    # the 专家评定 template has been run: each expert application's result is stored
    expert = TalentApplication.objects.filter(route="expert")
    assert TalentEvaluation.objects.filter(application__in=expert).count() == expert.count()
    counts = (Carrier.objects.count(), Booking.objects.count(), ObjectChange.objects.count())
    assert demo.load_demo(seed=7) == ["创新载体：演示数据已存在，未改动"]
    assert (Carrier.objects.count(), Booking.objects.count(), ObjectChange.objects.count()) == counts
