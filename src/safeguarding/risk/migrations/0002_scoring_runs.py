# Assessments now belong to a scoring run; no assessment had been stored before this.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_initial"),
        ("risk", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveField(
            model_name="indicatorhit",
            name="assessment",
        ),
        migrations.RemoveField(
            model_name="indicatorhit",
            name="evidence",
        ),
        migrations.RemoveIndex(
            model_name="riskassessment",
            name="risk_riskas_as_of_8ff0bc_idx",
        ),
        migrations.RemoveConstraint(
            model_name="riskassessment",
            name="one_assessment_per_person_and_date",
        ),
        migrations.AddField(
            model_name="override",
            name="computed_level",
            field=models.CharField(
                blank=True,
                choices=[
                    ("none", "No current risk"),
                    ("low", "Low"),
                    ("medium", "Medium"),
                    ("high", "High"),
                ],
                help_text="The computed level then",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="override",
            name="end_reason",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="override",
            name="ended_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="override",
            name="ended_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="override",
            index=models.Index(fields=["person", "active"], name="risk_overri_person__5da8b8_idx"),
        ),
        migrations.DeleteModel(
            name="IndicatorHit",
        ),
        migrations.DeleteModel(
            name="RiskAssessment",
        ),
        migrations.CreateModel(
            name="RiskAssessment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("score", models.FloatField()),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("none", "No current risk"),
                            ("low", "Low"),
                            ("medium", "Medium"),
                            ("high", "High"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "computed_level",
                    models.CharField(
                        choices=[
                            ("none", "No current risk"),
                            ("low", "Low"),
                            ("medium", "Medium"),
                            ("high", "High"),
                        ],
                        help_text="The level the score alone gives",
                        max_length=10,
                    ),
                ),
                (
                    "rules_applied",
                    models.CharField(
                        blank=True, help_text="A hard rule that raised the level", max_length=40
                    ),
                ),
                (
                    "trajectory",
                    models.CharField(
                        choices=[
                            ("new", "Newly identified"),
                            ("rising", "Rising"),
                            ("steady", "Steady"),
                            ("falling", "Falling"),
                        ],
                        default="new",
                        max_length=10,
                    ),
                ),
                ("previous_score", models.FloatField(blank=True, null=True)),
                ("current_indicators", models.PositiveIntegerField(default=0)),
                ("age", models.PositiveIntegerField(blank=True, null=True)),
                ("community_area", models.CharField(blank=True, max_length=100)),
                ("school_urn", models.CharField(blank=True, max_length=10)),
                (
                    "agencies",
                    models.CharField(blank=True, help_text="`,code,code,`", max_length=300),
                ),
                (
                    "exploitation_types",
                    models.CharField(blank=True, help_text="`,cce,cse,`", max_length=100),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="risk_assessments",
                        to="people.person",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="IndicatorHit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("indicator_id", models.CharField(max_length=60)),
                (
                    "recency",
                    models.CharField(
                        choices=[
                            ("current", "Current (within 3 months)"),
                            ("previous", "Previous (3 to 6 months)"),
                        ],
                        max_length=10,
                    ),
                ),
                ("weight", models.FloatField(help_text="What it added to the score")),
                (
                    "count",
                    models.PositiveIntegerField(
                        default=1, help_text="Events or episodes in its window"
                    ),
                ),
                ("latest", models.DateTimeField(blank=True, null=True)),
                (
                    "evidence",
                    models.ManyToManyField(blank=True, related_name="+", to="people.event"),
                ),
                (
                    "assessment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="hits",
                        to="risk.riskassessment",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="ScoringRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("as_of", models.DateField()),
                ("catalogue_version", models.CharField(max_length=20)),
                ("computed_at", models.DateTimeField()),
                ("people_assessed", models.PositiveIntegerField(default=0)),
                ("seconds", models.FloatField(default=0)),
            ],
            options={
                "ordering": ["-as_of", "-computed_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("as_of", "catalogue_version"), name="one_run_per_date_and_catalogue"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="riskassessment",
            name="run",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="assessments",
                to="risk.scoringrun",
            ),
        ),
        migrations.AddIndex(
            model_name="riskassessment",
            index=models.Index(fields=["run", "score"], name="risk_riskas_run_id_181b36_idx"),
        ),
        migrations.AddIndex(
            model_name="riskassessment",
            index=models.Index(fields=["person", "run"], name="risk_riskas_person__ead9a2_idx"),
        ),
        migrations.AddConstraint(
            model_name="riskassessment",
            constraint=models.UniqueConstraint(
                fields=("run", "person"), name="one_assessment_per_run"
            ),
        ),
    ]
