"""User ratings of instrument sharing: the user who booked rates the service (1–5) once the owner
has recorded the machine hours; once; no one else rates it. The owner's sharing evaluation averages
the ratings."""

from __future__ import annotations

import pytest

from kechuang.carriers import services
from kechuang.carriers.models import Booking, Instrument

pytestmark = pytest.mark.django_db


def _done_booking(login, world) -> Booking:
    ent = login("enterprise")
    assert (
        ent.post("/carriers/instruments/Q1/book/", {"date": "2025-05-01", "hours_requested": "4"}).status_code
        == 302
    )
    mine = Booking.objects.filter(applicant=world.users["enterprise"]).order_by("-pk").first()
    owner = login("op_inst")
    owner.post(f"/carriers/bookings/{mine.pk}/", {"action": "approve"})
    owner.post(f"/carriers/bookings/{mine.pk}/", {"action": "use", "hours": "3"})
    mine.refresh_from_db()
    assert mine.status == "done" and mine.rating is None
    return mine


def test_the_user_who_booked_rates_the_service_once(world, login):
    mine = _done_booking(login, world)
    owner_page = login("op_inst").get("/carriers/bookings/").content.decode()
    assert 'data-testid="rate"' not in owner_page  # the owner does not rate its own service
    r = login("op_inst").post(
        f"/carriers/bookings/{mine.pk}/", {"action": "rate", "rating": "5"}, follow=True
    )
    assert "只有预约人可以评价" in r.content.decode()
    ent = login("enterprise")
    assert 'data-testid="rate"' in ent.get("/carriers/bookings/").content.decode()
    r = ent.post(f"/carriers/bookings/{mine.pk}/", {"action": "rate", "rating": "4"}, follow=True)
    assert "已评价" in r.content.decode()
    mine.refresh_from_db()
    assert mine.rating == 4
    r = ent.post(f"/carriers/bookings/{mine.pk}/", {"action": "rate", "rating": "1"}, follow=True)
    assert "这次预约已经评价过" in r.content.decode()
    mine.refresh_from_db()
    assert mine.rating == 4
    usage = services.instrument_usage(Instrument.objects.filter(code="Q1"), 2025).to_dicts()[0]
    rated = Booking.objects.filter(instrument__code="Q1", date__year=2025, rating__isnull=False)
    assert usage["rating"] == pytest.approx(sum(b.rating for b in rated) / rated.count())


def test_a_rating_outside_one_to_five_or_before_use_is_refused(world, login):
    ent = login("enterprise")
    ent.post("/carriers/instruments/Q1/book/", {"date": "2025-06-01", "hours_requested": "2"})
    pending = Booking.objects.filter(applicant=world.users["enterprise"]).order_by("-pk").first()
    r = ent.post(f"/carriers/bookings/{pending.pk}/", {"action": "rate", "rating": "5"}, follow=True)
    assert "使用完成（登记机时）后才能评价" in r.content.decode()
    done = _done_booking(login, world)
    ent = login("enterprise")  # one test client: signing in as the owner above switched it
    r = ent.post(f"/carriers/bookings/{done.pk}/", {"action": "rate", "rating": "9"}, follow=True)
    assert "用户评价须为 1–5 分" in r.content.decode()
    pending.refresh_from_db()
    done.refresh_from_db()
    assert pending.rating is None and done.rating is None
