"""科技金融 pages: each module contributes its urlpatterns."""
