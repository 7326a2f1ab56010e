"""Identifiers record the feed, batch and row that added them, as every other fact does.

Identifiers stored before this migration take their record's provenance (the batch and row
that last wrote the record): the row that added each was not kept. For an identifier an
`[adds_identifier]` file added before then, that is the record's own feed, not the file's.
"""

import django.db.models.deletion
from django.db import migrations, models

BACKFILL = """
UPDATE people_identifier SET
    feed_id = (SELECT feed_id FROM people_sourcerecord
               WHERE people_sourcerecord.id = people_identifier.source_record_id),
    import_batch_id = (SELECT import_batch_id FROM people_sourcerecord
                       WHERE people_sourcerecord.id = people_identifier.source_record_id),
    row_number = (SELECT row_number FROM people_sourcerecord
                  WHERE people_sourcerecord.id = people_identifier.source_record_id)
"""


def _feed(*, null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        db_constraint=False,
        db_index=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="sources.feed",
    )


def _import_batch(*, null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        db_constraint=False,
        db_index=False,
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="sources.importbatch",
    )


def _row_number(*, null: bool) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(help_text="1 is the first row after the header", null=null)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_relationships_and_identifier_kinds"),
        ("sources", "0003_feed_register_permission"),
    ]

    operations = [
        migrations.AddField(model_name="identifier", name="feed", field=_feed(null=True)),
        migrations.AddField(
            model_name="identifier", name="import_batch", field=_import_batch(null=True)
        ),
        migrations.AddField(
            model_name="identifier", name="row_number", field=_row_number(null=True)
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField(model_name="identifier", name="feed", field=_feed(null=False)),
        migrations.AlterField(
            model_name="identifier", name="import_batch", field=_import_batch(null=False)
        ),
        migrations.AlterField(
            model_name="identifier", name="row_number", field=_row_number(null=False)
        ),
    ]
