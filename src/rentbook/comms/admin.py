"""Administration: templates are edited as new versions; what the run sends on its own."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from rentbook.comms import merge, services
from rentbook.comms.models import AutoSend, Message, Template


class TemplateForm(forms.ModelForm):
    class Meta:
        model = Template
        fields = [
            "code",
            "channel",
            "language",
            "name",
            "subject",
            "body",
            "red_reminder",
            "attach_statement",
        ]
        help_texts = {"body": "Merge fields: " + ", ".join(f"(({n}))" for n in merge.FIELDS)}

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        try:
            services.check_template(data.get("subject", ""), data.get("body", ""))
        except services.TemplateError as e:
            for field, message in e.errors.items():
                self.add_error(field, message)
        return data


@admin.register(Template)
class TemplateAdmin(admin.ModelAdmin):
    form = TemplateForm
    list_display = ["code", "channel", "language", "name", "version", "is_current"]
    list_filter = ["channel", "language", "is_current"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if not change:
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
            return
        # an edit is a new version: the version sent items refer to stays as it was
        old = Template.objects.get(pk=obj.pk)
        new = services.save_version(
            old,
            by=request.user,
            **{
                f: getattr(obj, f)
                for f in ("name", "subject", "body", "red_reminder", "attach_statement")
            },
        )
        obj.pk, obj.version = new.pk, new.version
        obj.refresh_from_db()


@admin.register(AutoSend)
class AutoSendAdmin(admin.ModelAdmin):
    list_display = ["policy", "action", "patch", "enabled"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "account", "code", "channel", "status", "backend"]
    list_filter = ["status", "channel", "backend"]
    readonly_fields = [f.name for f in Message._meta.fields]
