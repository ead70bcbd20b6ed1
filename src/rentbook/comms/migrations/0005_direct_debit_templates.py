from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from rentbook.comms.defaults import seed as seed_defaults

    # creates only the templates that are missing: here the Direct Debit notices
    seed_defaults(apps.get_model("comms", "Template"))


class Migration(migrations.Migration):
    dependencies = [("comms", "0004_letter_requests")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
