"""What other stages read of contexts."""

from safeguarding.contexts.models import ContextMember, Reliability
from safeguarding.network.connections import Membership
from safeguarding.people.models import Person


def memberships_around(*, person: Person) -> tuple[list[Membership], list[Membership]]:
    """The contexts the person is a member of, and the other members of those contexts (by
    person id), for the network stage's connections."""
    mine = list(ContextMember.objects.filter(person=person).select_related("context"))
    others = (
        ContextMember.objects.filter(context__in=[m.context_id for m in mine])
        .exclude(person_id=person.pk)
        .select_related("context")
        .order_by("person_id")
    )
    return [_membership(m) for m in mine], [_membership(m) for m in others]


def _membership(member: ContextMember) -> Membership:
    return Membership(
        person_id=member.person_id,
        context_id=member.context_id,
        context_name=member.context.name,
        context_kind=member.context.get_kind_display(),
        source=member.source,
        reliability=member.get_reliability_display(),
        confirmed=member.reliability == Reliability.CONFIRMED,
    )
