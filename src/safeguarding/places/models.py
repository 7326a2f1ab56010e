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
    young_people = models.PositiveIntegerField(
        null=True, blank=True, help_text="Residents aged 0 to 17 (a population estimate)"
    )

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @classmethod
    def community_labels(cls) -> list[dict]:
        """The community areas' names and centres: labels to find one's way on a map (the
        analysts' map and the public form's, which may read places' models only)."""
        rows = cls.objects.filter(
            kind=AreaKind.COMMUNITY_AREA, latitude__isnull=False, longitude__isnull=False
        ).values_list("name", "latitude", "longitude")
        return [{"name": n, "latitude": lat, "longitude": lon} for n, lat, lon in rows]


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


class EventSet(models.TextChoices):
    """The sets of events a hotspot analysis counts (docs/places.md says what is in each)."""

    MISSING_FOUND = "missing_found", "Missing episodes, where found"
    STOP_AND_SEARCH = "stop_and_search", "Stop and search"
    POLICE_INCIDENTS = "police_incidents", "Police incidents with young people"
    EXPLOITATION = "exploitation", "Exploitation-related events"
    PARTNER_CONCERNS = "partner_concerns", "Partners' concerns"


class AnalysisKind(models.TextChoices):
    HOTSPOTS = "hotspots", "Hotspots (Getis-Ord Gi*)"
    EMERGING = "emerging", "Emerging hotspots (space-time Gi* and Mann-Kendall)"
    RECENT = "recent", "Where to look next: recent places (recency-weighted counts)"
    CONCERN = "concern", "Places of concern: young people with signs of exploitation seen there"


class Unit(models.TextChoices):
    GRID = "grid", "Grid cells (British National Grid)"
    SMALL_AREA = "small_area", "Small areas"


class HotspotRun(models.Model):
    """One analysis of one event set, with the parameters it was computed with."""

    kind = models.CharField(max_length=20, choices=AnalysisKind.choices)
    event_set = models.CharField(max_length=30, choices=EventSet.choices)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    cell_size = models.PositiveIntegerField(null=True, blank=True, help_text="Metres (grid)")
    period_start = models.DateField()
    period_end = models.DateField()
    permutations = models.PositiveIntegerField(default=0)
    parameters = models.JSONField(default=dict, help_text="Every other setting, as computed")
    events = models.PositiveIntegerField(default=0, help_text="Events counted")
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "event_set", "unit", "-computed_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_event_set_display()} ({self.unit})"


class HotspotCell(models.Model):
    """A cell's result: over the whole period (period empty), or for one month of a cube."""

    run = models.ForeignKey(HotspotRun, on_delete=models.CASCADE, related_name="cells")
    cell = models.CharField(max_length=40, help_text="A small area's code or a grid cell's name")
    latitude = models.FloatField()
    longitude = models.FloatField()
    period = models.DateField(null=True, blank=True, help_text="First day of the month")
    count = models.PositiveIntegerField()
    z = models.FloatField(null=True)
    p = models.FloatField(null=True)
    # -3..3 as ArcGIS's Gi_Bin: a cold (negative) or hot spot at 99, 95 or 90% confidence.
    gi_bin = models.SmallIntegerField(default=0)
    category = models.CharField(max_length=30, blank=True, help_text="Emerging category")
    trend_z = models.FloatField(null=True, blank=True, help_text="Mann-Kendall z of the cell's Gi*")
    trend_p = models.FloatField(null=True, blank=True)
    # "Recent places" (places/recent.py): the cell's recency-weighted score and its rank, 1 the
    # highest; the cells ranked within the top 5% of the area have the category `look_next`.
    score = models.FloatField(null=True, blank=True, help_text="Recent places score")
    rank = models.PositiveIntegerField(null=True, blank=True, help_text="1: the highest score")

    class Meta:
        indexes = [models.Index(fields=["run", "period"]), models.Index(fields=["run", "cell"])]
