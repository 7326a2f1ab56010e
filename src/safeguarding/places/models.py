"""Geography: small areas and the community areas they make up, the postcode lookup, schools."""

from django.db import models


class AreaKind(models.TextChoices):
    LSOA = "lsoa", "Small area (LSOA)"
    COMMUNITY_AREA = "community_area", "Community area"


class Area(models.Model):
    code = models.CharField(max_length=40, unique=True)
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


class Postcode(models.Model):
    """One row of the postcode directory (the ONS Postcode Directory, cut to what we use)."""

    postcode = models.CharField(max_length=8, unique=True, help_text="Normalised: `SN15 1AA`")
    latitude = models.FloatField()
    longitude = models.FloatField()
    small_area = models.CharField(max_length=12, blank=True, help_text="LSOA code")
    community_area = models.CharField(max_length=100, blank=True)
    in_area = models.BooleanField(help_text="Inside the partnership's area")


class School(models.Model):
    urn = models.CharField(max_length=10, unique=True, help_text="DfE unique reference number")
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=40, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    community_area = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return self.name
