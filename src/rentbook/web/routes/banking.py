"""The banking pages' addresses, included by web/urls.py under the "web" namespace."""

from django.urls import URLPattern, path

from rentbook.web.views import banking

urlpatterns: list[URLPattern] = [
    path("suspense/", banking.suspense, name="suspense"),
    path("suspense/<int:pk>/", banking.suspense_item, name="suspense-item"),
]
