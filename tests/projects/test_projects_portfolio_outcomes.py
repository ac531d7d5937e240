"""The portfolio's outcomes from the transfer module (issue 12 §3), since the project started: the
licences the holder signed as licensor or licensee on or after the start, and the patents of the
achievements it completed applied for in or after the start's year (the year in the patent number);
earlier ones, and rights that are not patents, are not the project's. Page, API and totals agree."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.projects import services, stakes
from tests.personas import ENTERPRISE_CREDIT_CODE
from tests.projects.conftest import apply, make_call

pytestmark = pytest.mark.django_db
START = dt.date(2024, 6, 1)


@pytest.fixture
def university_project(world):
    """A project of the university (东莞理工学院) started on START, with an achievement whose
    patents were filed before and after the start, and licences signed before and after it."""
    from kechuang.transfer.models import Achievement, IPRight, Licence

    application = apply(world.call, world.university, 1, requested=300)
    application.granted = application.requested
    application.save()
    project = services.open_project(application, START)
    achievement = Achievement.objects.create(
        institution=world.university, code="DGUT-O-1", title="柔性传感材料", field="新材料", trl=5,
        ownership="单位所有",
    )  # fmt: skip
    for number, kind, status in (
        ("ZL202410123456.7", "发明专利", "有效"),  # filed in the start's year: the project's
        ("ZL202520654321.0", "实用新型专利", "审查中"),  # filed after: the project's, still pending
        ("ZL202310111111.1", "发明专利", "有效"),  # filed before the project: not its outcome
        ("2024SR0123456", "软件著作权", "有效"),  # not a patent
    ):
        IPRight.objects.create(achievement=achievement, number=number, kind=kind, legal_status=status)
    for code, signed in (("L-O-OLD", dt.date(2024, 1, 10)), ("L-O-NEW", dt.date(2025, 3, 1))):
        Licence.objects.create(
            code=code, achievement=achievement, institution=world.university,
            licensee_code=ENTERPRISE_CREDIT_CODE, licensee_name="东莞示例科技有限公司", signed_on=signed, terms={},
        )  # fmt: skip
    return project


def test_only_licences_and_patents_since_the_project_started_are_its_outcomes(personas, university_project):
    found = stakes.outcomes(personas["bureau"], [university_project])[university_project.pk]
    assert [lic.code for lic in found["licences"]] == ["L-O-NEW"]
    assert [ip.number for ip in found["patents"]] == ["ZL202410123456.7", "ZL202520654321.0"]
    assert [a.code for a in found["achievements"]] == ["DGUT-O-1"]


def test_the_portfolio_page_and_api_count_them_per_holder(client_for, university_project):
    page = client_for("bureau").get("/projects/portfolio/").content.decode()
    counts = page.split('data-testid="outcome-counts">')[1].split("</p>")[0]
    assert "签订的许可合同 1 份，申请的专利 2 项" in counts
    outcomes = page.split('data-testid="outcomes-table"')[1].split("</table>")[0]
    assert "ZL202410123456.7 发明专利（有效（授权））" in outcomes and "ZL202310111111.1" not in outcomes
    assert "L-O-NEW" in outcomes and "L-O-OLD" not in outcomes
    holder = page.split('data-testid="portfolio-holder"')[1].split("</table>")[0]
    # … contracts 0, amount 0, licences 1, patents 2, failed 0
    assert (
        '<td class="num">0</td><td class="num">0</td><td class="num">1</td><td class="num">2</td>' in holder
    )
    body = client_for("bureau").get("/api/projects/portfolio").json()
    (group,) = [g for g in body["groups"] if g["key"] == "holder"]
    assert (group["value"], group["licences"], group["patents"], group["contracts"]) == (
        "东莞理工学院",
        1,
        2,
        0,
    )


def test_one_aggregation_gives_each_dimension_the_same_totals(university_project):
    extra = {university_project.pk: {"returned": 10.0, "contracts": [1, 2], "contract_amount": 5.5,
                                     "licences": [1], "patents": [1, 2]}}  # fmt: skip
    data = services.portfolio(holders=True, extra=extra)
    for key, rows in data["by"].items():
        (row,) = rows
        assert (row["n"], row["returned"], row["contracts"], row["licences"], row["patents"]) == (
            1,
            10,
            2,
            1,
            2,
        ), key
        assert row["evaluated"] == 0 and row["mean_score"] is None, key


def test_the_demo_holders_patents_reach_the_portfolio(world, personas):
    """The demo registers the achievement of ZD2026-03's university holder with three patents; the two
    applied for since the project started (2026) are the project's, the 2024 one is not."""
    from kechuang.projects import demo_outcomes

    application = apply(make_call("ZD2026-03"), world.university, 1)
    project = services.open_project(application, dt.date(2026, 4, 14))
    assert project.code == demo_outcomes.PROJECT
    assert demo_outcomes.load() and demo_outcomes.load() == []  # a second run writes nothing
    found = stakes.outcomes(personas["bureau"], [project])[project.pk]
    assert [ip.number for ip in found["patents"]] == ["ZL202610384512.6", "ZL202620917733.1"]


def test_a_holder_with_two_projects_has_each_outcome_counted_once(
    client_for, personas, world, university_project
):
    """A second project of the same university started later: every licence and patent since then
    goes to the earlier project only, so the holder's and the totals' counts stay 1 licence, 2 patents."""
    application = apply(world.call, world.university, 2, requested=100)
    application.granted = application.requested
    application.save()
    later = services.open_project(application, dt.date(2025, 1, 1))
    found = stakes.outcomes(personas["bureau"], [later, university_project])
    assert [lic.code for lic in found[university_project.pk]["licences"]] == ["L-O-NEW"]
    assert [ip.number for ip in found[university_project.pk]["patents"]] == [
        "ZL202410123456.7", "ZL202520654321.0"
    ]  # fmt: skip
    assert found[later.pk]["licences"] == [] and found[later.pk]["patents"] == []
    page = client_for("bureau").get("/projects/portfolio/").content.decode()
    counts = page.split('data-testid="outcome-counts">')[1].split("</p>")[0]
    assert "签订的许可合同 1 份，申请的专利 2 项" in counts
    body = client_for("bureau").get("/api/projects/portfolio").json()
    (group,) = [g for g in body["groups"] if g["key"] == "holder"]
    assert (group["value"], group["projects"], group["licences"], group["patents"]) == (
        "东莞理工学院",
        2,
        1,
        2,
    )


def test_each_achievement_goes_to_one_project_of_its_holder(client_for, personas, world, university_project):
    """Achievements follow the licences' rule: the holder's earliest-started project whose start is not
    after the day the achievement was registered; one registered before every start is no project's.
    Before, every achievement was listed (and counted) on each project of the holder."""
    from kechuang.transfer.models import Achievement

    application = apply(world.call, world.university, 2, requested=100)
    application.granted = application.requested
    application.save()
    later = services.open_project(application, dt.date(2025, 1, 1))
    old = Achievement.objects.create(
        institution=world.university, code="DGUT-O-0", title="早年成果", field="新材料", trl=4,
        ownership="单位所有",
    )  # fmt: skip
    registered = dt.datetime(2024, 1, 10, 9, tzinfo=dt.UTC)  # before both projects started
    Achievement.objects.filter(pk=old.pk).update(created_at=registered)
    found = stakes.outcomes(personas["bureau"], [later, university_project])
    assert [a.code for a in found[university_project.pk]["achievements"]] == ["DGUT-O-1"]
    assert found[later.pk]["achievements"] == []
    page = client_for("bureau").get("/projects/portfolio/").content.decode()
    counts = page.split('data-testid="outcome-counts">')[1].split("</p>")[0]
    assert "职务科技成果 1 项" in counts
    table = page.split('data-testid="outcomes-table"')[1].split("</table>")[0]
    assert table.count("DGUT-O-1") == 1 and "DGUT-O-0" not in table
