"""The comms pages' addresses, included by web/urls.py under the "web" namespace."""

from django.urls import URLPattern, path

from rentbook.web.views import comms

urlpatterns: list[URLPattern] = [
    path("accounts/<str:reference>/send/", comms.send_item, name="comms-send"),
    path(
        "accounts/<str:reference>/send/<int:template_id>/preview.pdf",
        comms.preview_pdf,
        name="comms-preview-pdf",
    ),
    path("accounts/<str:reference>/sent/", comms.sent_items, name="comms-sent"),
    path("letters/", comms.letters_due, name="comms-letters"),
    path("letters/batches/<int:batch_id>.pdf", comms.batch_pdf, name="comms-letters-pdf"),
    path("letters/batches/<int:batch_id>.csv", comms.batch_csv, name="comms-letters-csv"),
    path("messages/<int:message_id>.pdf", comms.message_pdf, name="comms-message-pdf"),
    path("letters/templates/", comms.templates_list, name="comms-templates"),
    path("letters/templates/<int:template_id>/", comms.template_edit, name="comms-template-edit"),
]
