"""Enterprise pages (to be written)."""

urlpatterns: list = []
