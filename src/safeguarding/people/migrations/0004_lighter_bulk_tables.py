# Events and involvements: no per-row database check or index for their provenance keys.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_indexes_for_search"),
        ("sources", "0002_background_imports"),
    ]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="feed",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="sources.feed",
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="import_batch",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="sources.importbatch",
            ),
        ),
        migrations.AlterField(
            model_name="involvement",
            name="event",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="involvements",
                to="people.event",
            ),
        ),
        migrations.AlterField(
            model_name="involvement",
            name="feed",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="sources.feed",
            ),
        ),
        migrations.AlterField(
            model_name="involvement",
            name="import_batch",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="sources.importbatch",
            ),
        ),
        migrations.AlterField(
            model_name="involvement",
            name="person",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                help_text="Kept in step with the source record's person by linkage",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="involvements",
                to="people.person",
            ),
        ),
    ]
