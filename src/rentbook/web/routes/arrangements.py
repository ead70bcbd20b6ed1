"""The arrangements pages' addresses, included by web/urls.py under the "web" namespace."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
