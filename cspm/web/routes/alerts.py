"""Routes of the alerts pages (included into the web namespace by cspm/web/urls.py)."""

urlpatterns: list = []
