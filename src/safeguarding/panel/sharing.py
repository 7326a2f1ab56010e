"""What the panel shares with its non-statutory members: the people it is discussing."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from safeguarding.panel.models import AgendaItem


def people_under_discussion(sharing_days: int) -> QuerySet:
    """Ids of the people on the agenda of a meeting not yet held or held within `sharing_days`."""
    since = timezone.localdate() - datetime.timedelta(days=sharing_days)
    agenda = AgendaItem.objects.filter(meeting__held_on__gte=since, person__isnull=False)
    return agenda.values("person_id")
