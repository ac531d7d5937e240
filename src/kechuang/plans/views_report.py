"""Plan pages: (to be written)."""

urlpatterns: list = []
