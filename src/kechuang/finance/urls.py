"""科技金融 pages (/finance/)."""

from kechuang.finance.views import bank, enterprise, validation

app_name = "finance"
urlpatterns = enterprise.urlpatterns + bank.urlpatterns + validation.urlpatterns
