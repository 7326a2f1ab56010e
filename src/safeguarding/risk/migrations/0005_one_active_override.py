from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Now


def end_all_but_the_latest(apps, schema_editor):
    """Before the constraint: where two levels were somehow in force for one person, the later
    stays and the earlier ends, as setting a level would have ended it."""
    Override = apps.get_model("risk", "Override")
    latest = (
        Override.objects.filter(active=True, person=OuterRef("person"))
        .order_by("-set_at", "-pk")
        .values("pk")[:1]
    )
    Override.objects.filter(active=True).exclude(pk=Subquery(latest)).update(
        active=False, ended_at=Now(), end_reason="Replaced (two were in force)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_relationships_and_identifier_kinds"),
        ("risk", "0004_validation_and_vulnerabilities"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(end_all_but_the_latest, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="override",
            constraint=models.UniqueConstraint(
                condition=models.Q(("active", True)),
                fields=("person",),
                name="one_active_override",
            ),
        ),
    ]
