from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0004_undo_journal"),
    ]

    operations = [
        migrations.AddField(
            model_name="undoentry",
            name="stage",
            field=models.CharField(default="import", max_length=10),
        ),
        migrations.AlterField(
            model_name="undoentry",
            name="batch_id",
            field=models.BigIntegerField(
                help_text="An import's batch; 0 for a link or scoring run"
            ),
        ),
    ]
