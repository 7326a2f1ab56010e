"""Factories for test data (factory_boy), one per model the tests build."""

import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, User
from safeguarding.people.enumerations import EventType, InvolvementRole, Sex
from safeguarding.people.models import (
    Event,
    Identifier,
    Involvement,
    Location,
    Object,
    ObjectLink,
    Person,
    SourceRecord,
)
from safeguarding.sources.models import Feed, ImportBatch, ImportStatus


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = AgencyKind.POLICE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    agency = factory.SubFactory(AgencyFactory)
    password = factory.django.Password("correct-horse-battery-staple")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))


class FeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feed
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"feed-{n}")
    agency = factory.SubFactory(AgencyFactory)
    title = factory.LazyAttribute(lambda feed: feed.name.title())
    lawful_basis = "UK GDPR Art. 6(1)(e); DPA 2018 Sch. 1 para 18"
    isa_reference = "ISA-TEST"
    retention_days = 2190


class ImportBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportBatch

    feed = factory.SubFactory(FeedFactory)
    file_name = "extract.csv"
    checksum = factory.Sequence(lambda n: f"{n:064x}")
    status = ImportStatus.SUCCEEDED
    started_at = factory.LazyFunction(timezone.now)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    display_name = factory.Sequence(lambda n: f"Young Person {n}")
    date_of_birth = datetime.date(2009, 4, 3)
    sex = Sex.FEMALE


class SourceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceRecord

    import_batch = factory.SubFactory(ImportBatchFactory)
    feed = factory.SelfAttribute("import_batch.feed")
    row_number = factory.Sequence(lambda n: n + 1)
    source_record_id = factory.Sequence(lambda n: f"R{n:06d}")
    given_names = "Jade"
    family_name = "Example"
    date_of_birth = datetime.date(2009, 4, 3)
    sex = Sex.FEMALE
    person = factory.SubFactory(PersonFactory)


class IdentifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Identifier

    source_record = factory.SubFactory(SourceRecordFactory)
    kind = "nhs_number"
    value = "9434765919"
    # Added by the record's own row, as an identifier column of its feed adds it.
    feed = factory.SelfAttribute("source_record.feed")
    import_batch = factory.SelfAttribute("source_record.import_batch")
    row_number = factory.SelfAttribute("source_record.row_number")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Place {n}")
    postcode = "SN15 1AA"
    latitude = 51.46
    longitude = -2.12


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    import_batch = factory.SubFactory(ImportBatchFactory)
    feed = factory.SelfAttribute("import_batch.feed")
    row_number = factory.Sequence(lambda n: n + 1)
    source_event_id = factory.Sequence(lambda n: f"E{n:06d}")
    event_type = EventType.MISSING_EPISODE
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))


class InvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Involvement

    event = factory.SubFactory(EventFactory)
    source_record = factory.SubFactory(SourceRecordFactory)
    person = factory.SelfAttribute("source_record.person")
    feed = factory.SelfAttribute("event.feed")
    import_batch = factory.SelfAttribute("event.import_batch")
    row_number = factory.SelfAttribute("event.row_number")
    role = InvolvementRole.MISSING_PERSON


class ObjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Object

    kind = "phone"
    value = factory.Sequence(lambda n: f"07700 9{n:05d}")


class ObjectLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ObjectLink

    object = factory.SubFactory(ObjectFactory)
    source_record = factory.SubFactory(SourceRecordFactory)
    feed = factory.SelfAttribute("source_record.feed")
    import_batch = factory.SelfAttribute("source_record.import_batch")
    row_number = factory.SelfAttribute("source_record.row_number")
