"""The legal pages' addresses, included by web/urls.py under the "web" namespace."""

from django.urls import URLPattern, path

from rentbook.web.views import legal

urlpatterns: list[URLPattern] = [
    path("accounts/<str:reference>/notices/new/", legal.record_notice, name="record-notice"),
    path("accounts/<str:reference>/court/", legal.court, name="court"),
    path("post-court-review/", legal.post_court_review, name="post-court-review"),
]
