from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from rentbook.api import views

app_name = "api"


def _open(view):  # the API signs its callers in by token, not the site's session
    return login_not_required(view)


urlpatterns = [
    path("schema/", _open(SpectacularAPIView.as_view()), name="schema"),
    path("accounts/", _open(views.AccountList.as_view()), name="accounts"),
    path("accounts/<str:tenancy_ref>/", _open(views.AccountDetail.as_view()), name="account"),
    path(
        "recommendations/",
        _open(views.RecommendationList.as_view()),
        name="recommendations",
    ),
    path("diary/", _open(views.DiaryWrite.as_view()), name="diary"),
    path("flags/", _open(views.FlagWrite.as_view()), name="flags"),
    path("payments/", _open(views.PaymentWrite.as_view()), name="payments"),
]
