"""The association graph as last built: its nodes and edges with their evidence, the measures
of each node, and the adults, addresses and phones of concern. Rebuilt whole after each link."""

from django.db import models


class NodeKind(models.TextChoices):
    CHILD = "child", "Child or young person"
    ADULT = "adult", "Adult"
    PERSON = "person", "Person (age not known)"
    ADDRESS = "address", "Address or postcode"
    PHONE = "phone", "Phone number"
    VEHICLE = "vehicle", "Vehicle"
    HANDLE = "social_media_handle", "Social media handle"
    OBJECT = "object", "Other object"
    GROUP = "group", "Peer group or context"


class EdgeKind(models.TextChoices):
    SUSPECT_WITH_VICTIM = "suspect_with_victim", "Suspect and victim in one event"
    FOUND_WITH = "found_with", "Found in company of (suspected association)"
    MISSING_TOGETHER = "missing_together", "Missing together"
    ARRESTED_TOGETHER = "arrested_together", "Arrested or suspects together"
    SAME_EVENT = "same_event", "In the same event"
    FAMILY = "family", "Family (recorded relationship)"
    ASSOCIATE = "associate", "Known associate (recorded relationship)"
    LIVES_AT = "lives_at", "Recorded as living at"
    FOUND_AT = "found_at", "Found there after a missing episode"
    STOPPED_AT = "stopped_at", "Stopped, searched or arrested there"
    SEEN_AT = "seen_at", "In an event there"
    USES = "uses", "Phone, vehicle or handle on their record"
    CONTACT = "contact", "Objects in contact (calls, messages, shared use)"
    MEMBER_OF = "member_of", "Member of a peer group or context"


# Edges that mean the two were suspected of being together, never a finding.
SUSPECTED_KINDS = frozenset({EdgeKind.FOUND_WITH})


class ConcernKind(models.TextChoices):
    ADULT = "adult", "Adult of concern"
    ADDRESS = "address", "Address of concern"
    PHONE = "phone", "Phone of concern"


class NetworkRun(models.Model):
    computed_at = models.DateTimeField(auto_now_add=True)
    nodes = models.PositiveIntegerField(default=0)
    edges = models.PositiveIntegerField(default=0)
    communities = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    parameters = models.JSONField(default=dict, blank=True)

    class Meta:
        get_latest_by = "computed_at"


class Node(models.Model):
    """A person, address, object or group, with its measures in this run's graph."""

    run = models.ForeignKey(NetworkRun, on_delete=models.CASCADE, related_name="node_set")
    index = models.PositiveIntegerField(help_text="Its vertex number in the run's graph")
    key = models.CharField(max_length=140, help_text="p<person>, ad <postcode>, ob<object>, gr…")
    kind = models.CharField(max_length=20, choices=NodeKind.choices)
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    label = models.CharField(max_length=300, blank=True)
    roles = models.JSONField(default=dict, blank=True, help_text="role → events, from records")
    degree = models.PositiveIntegerField(default=0)
    betweenness = models.FloatField(default=0)
    closeness = models.FloatField(default=0)
    eigenvector = models.FloatField(default=0)
    coreness = models.PositiveIntegerField(default=0)
    community = models.IntegerField(default=-1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="one_node_per_index"),
        ]
        indexes = [
            models.Index(fields=["run", "key"], name="network_node_key"),
            models.Index(fields=["run", "person"], name="network_node_person"),
            models.Index(fields=["run", "community"], name="network_node_community"),
        ]


class Edge(models.Model):
    """Two nodes and why: each piece of evidence is a record (feed, batch, row or event)."""

    run = models.ForeignKey(NetworkRun, on_delete=models.CASCADE, related_name="edge_set")
    source = models.PositiveIntegerField(help_text="The node's index in the run")
    target = models.PositiveIntegerField()
    kind = models.CharField(max_length=30, choices=EdgeKind.choices)
    suspected = models.BooleanField(default=False)
    first_seen = models.DateField(null=True, blank=True)
    last_seen = models.DateField(null=True, blank=True)
    weight = models.PositiveIntegerField(default=1, help_text="Records behind it")
    agencies = models.JSONField(default=list, blank=True)
    event_types = models.JSONField(default=list, blank=True)
    evidence = models.JSONField(
        default=list,
        blank=True,
        help_text="[{agency, feed, batch, row, event, reference, type, date, roles}]",
    )

    class Meta:
        indexes = [
            models.Index(fields=["run", "source"], name="network_edge_source"),
            models.Index(fields=["run", "target"], name="network_edge_target"),
        ]


class Concern(models.Model):
    """An adult, address or phone linked to several young people, and the evidence."""

    run = models.ForeignKey(NetworkRun, on_delete=models.CASCADE, related_name="concerns")
    kind = models.CharField(max_length=10, choices=ConcernKind.choices)
    node = models.PositiveIntegerField(help_text="The node's index in the run")
    rank = models.PositiveIntegerField()
    score = models.FloatField()
    young_people = models.PositiveIntegerField()
    first_seen = models.DateField(null=True, blank=True)
    last_seen = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=300)
    evidence = models.JSONField(
        default=list, blank=True, help_text="[{person, event, kind, date}]: the young people linked"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "kind", "rank"], name="one_concern_per_rank")
        ]
