"""Transfer pages: each module of transfer.views contributes its own urlpatterns."""

from kechuang.transfer.views import (
    achievements,
    cases,
    contracts,
    home,
    income,
    licences,
    matching,
    rewards,
)

app_name = "transfer"
urlpatterns = (
    home.urlpatterns
    + achievements.urlpatterns
    + income.urlpatterns
    + licences.urlpatterns
    + contracts.urlpatterns
    + cases.urlpatterns
    + matching.urlpatterns
    + rewards.urlpatterns
)
