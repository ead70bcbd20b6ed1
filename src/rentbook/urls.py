from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = f"{settings.RENTBOOK_LANDLORD_NAME} rentbook: administration"
admin.site.site_title = "rentbook administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("rentbook.api.urls")),
    path("my-rent/", include("rentbook.selfservice.urls")),
    path("", include("rentbook.web.urls")),
]

handler403 = "rentbook.web.views.errors.forbidden"
handler404 = "rentbook.web.views.errors.not_found"
handler500 = "rentbook.web.views.errors.server_error"
