"""Transfer pages: each module of transfer.views contributes its own urlpatterns."""

from kechuang.transfer.views import achievements, cases, contracts, home, licences, matching

app_name = "transfer"
urlpatterns = (
    home.urlpatterns
    + achievements.urlpatterns
    + licences.urlpatterns
    + contracts.urlpatterns
    + cases.urlpatterns
    + matching.urlpatterns
)
