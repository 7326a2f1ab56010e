"""What the panel shares with its non-statutory members: the items they are invited to, and
so the people on them."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from safeguarding.panel.models import AgendaItem


def people_under_discussion(sharing_days: int) -> QuerySet:
    """Ids of the people on an item the voluntary sector is invited to, at a meeting not yet
    held or held within `sharing_days`."""
    since = timezone.localdate() - datetime.timedelta(days=sharing_days)
    agenda = AgendaItem.objects.filter(
        meeting__held_on__gte=since, person__isnull=False, voluntary_sector_invited=True
    )
    return agenda.values("person_id")


def items_shared_with(user) -> Q:
    """The agenda items this user's organisation sees: every item for a statutory partner,
    only those it is invited to for the voluntary sector."""
    from safeguarding.people.access_rules import is_voluntary_sector

    return Q(voluntary_sector_invited=True) if is_voluntary_sector(user) else Q()
