"""The demo's concerns: a few weeks of synthetic reports from several sectors, most of the older
ones triaged into the records (linked to young people of the synthetic county), the newest left
waiting in the queue. Run once by `safeguarding demo`, after the county is linked."""

import datetime

import numpy as np
from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.concerns import triage
from safeguarding.concerns.indicators import indicator_lists
from safeguarding.concerns.models import Outcome, PartnerOrganisation, Report
from safeguarding.concerns.reporting import address_hash, concern_from_report, new_reference
from safeguarding.people.models import Location, Person

ORGANISATIONS = [
    ("Town Cars", "taxi", "town-cars"),
    ("Station Hotel Group", "hotel", "station-hotels"),
    ("Wessex Lettings", "landlord", "wessex-lettings"),
]
SECTOR_SHARE = {
    "taxi": 0.2,
    "hotel": 0.2,
    "landlord": 0.15,
    "bus": 0.1,
    "rail": 0.1,
    "security": 0.05,
    "licensed_premises": 0.05,
    "public": 0.15,
}
WORDS = [
    "Two teenagers with a man in his thirties; he paid.",
    "Same car as last week, dropped a boy at the flats.",
    "Girl looked scared and would not say where she lived.",
    "Lots of short visits to the flat, mostly young lads.",
    "Boy on his own, late, with a rucksack he would not put down.",
]
OUTCOMES = [Outcome.INTELLIGENCE, Outcome.REFERRAL, Outcome.POLICE, Outcome.NO_FURTHER_ACTION]


def add_demo_concerns(*, end: datetime.date, seed: int, weeks: int = 6, per_week: int = 12) -> int:
    """Add the demo's concerns ending on `end`, unless any report exists; how many were added."""
    if Report.objects.exists():
        return 0
    rng = np.random.default_rng(seed)
    lists = indicator_lists()
    for name, kind, code in ORGANISATIONS:
        PartnerOrganisation.objects.get_or_create(
            code=code, defaults={"name": name, "sector": kind}
        )
    # Where the county's own events happened (concerns sit beside places, not after them).
    postcodes = sorted(
        set(
            Location.objects.filter(in_area=True)
            .exclude(postcode="")
            .order_by("postcode")
            .values_list("postcode", flat=True)[:2000]
        )
    )[:400]
    young = _young_people(end)
    analyst = User.objects.filter(username="analyst").first()
    sectors = list(SECTOR_SHARE)
    shares = np.array(list(SECTOR_SHARE.values()))
    vehicles = [f"WV{n:02d} {chr(65 + n % 26)}{chr(66 + n % 24)}C" for n in range(12)]
    concerns = []
    total = weeks * per_week
    end_moment = timezone.make_aware(datetime.datetime.combine(end, datetime.time(18, 0)))
    for number in range(total):
        received = end_moment - datetime.timedelta(hours=float(rng.uniform(0, weeks * 7 * 24)))
        sector_id = str(rng.choice(sectors, p=shares / shares.sum()))
        sector = lists.sector(sector_id) or lists.sectors[-1]
        picks = rng.choice(len(sector.indicators), size=int(rng.integers(1, 3)), replace=False)
        organisation = next((code for _, s, code in ORGANISATIONS if s == sector_id), "")
        answers = {
            "sector": sector_id,
            "indicators": [sector.indicators[i].id for i in sorted(picks)],
            "what_happened": str(rng.choice(WORDS)),
            "danger_now": "yes" if rng.random() < 0.05 else "no",
            "seen_on": (received - datetime.timedelta(hours=3)).date().isoformat(),
            "seen_time": f"{int(rng.integers(17, 24))}:{int(rng.integers(0, 6))}0",
            "postcode": str(rng.choice(postcodes)) if postcodes and rng.random() < 0.8 else "",
            "address": "",
            "people_described": "A girl about 15 and a man about 30",
            "vehicles": [str(rng.choice(vehicles))] if rng.random() < 0.4 else [],
            "phones": [],
            "handles": [],
            "organisation_code": organisation if organisation and rng.random() < 0.5 else "",
            "reporter_name": "",
            "reporter_contact": "07700 900" + f"{number:03d}" if rng.random() < 0.3 else "",
        }
        report = Report.objects.create(
            reference=new_reference(),
            received_at=received,
            answers=answers,
            indicator_version=lists.version,
            address_hash=address_hash(f"demo-{number}"),
        )
        concerns.append(concern_from_report(report, lists=lists))
    # The newest week waits in the queue; most older reports are triaged, a few merged.
    week_ago = end_moment - datetime.timedelta(days=7)
    older = sorted((c for c in concerns if c.received_at < week_ago), key=lambda c: c.received_at)
    for position, concern in enumerate(older):
        if position % 9 == 8 and position > 0:
            triage.merge(duplicate=concern, into=older[position - 1])
            continue
        if rng.random() < 0.15:
            triage.assign(concern=concern, user=analyst)  # still being triaged
            continue
        if young:
            person = Person.objects.get(pk=int(rng.choice(young)))
            triage.link_person(concern=concern, person=person, role="subject", user=analyst)
        if concern.postcode:
            triage.set_place(concern=concern, postcode=concern.postcode, address="")
        triage.record_outcome(
            concern=concern,
            outcome=str(rng.choice(OUTCOMES, p=[0.5, 0.2, 0.15, 0.15])),
            reason="Synthetic demo triage",
            user=analyst,
        )
    return total


def _young_people(end: datetime.date) -> list[int]:
    oldest = end - datetime.timedelta(days=365 * 17)
    youngest = end - datetime.timedelta(days=365 * 12)
    return list(
        Person.objects.filter(date_of_birth__range=(oldest, youngest))
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
