"""Geography: small areas and the community areas they make up."""

from django.db import models


class AreaKind(models.TextChoices):
    LSOA = "lsoa", "Small area (LSOA)"
    COMMUNITY_AREA = "community_area", "Community area"


class Area(models.Model):
    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=AreaKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    boundary = models.JSONField(null=True, blank=True, help_text="GeoJSON geometry")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
