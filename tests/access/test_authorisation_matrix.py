"""The authorisation matrix: every URL × every persona (and anonymous) × GET and POST.

The URLs come from the resolver itself, so a page added tomorrow fails this test until its
expected outcome is written down below. Outcomes:

- "ok": the page answers (200, or a redirect that is not to sign-in or the purpose question);
- "refused": 403, and a "refused" audit event names the user;
- "login": sent to sign in (anonymous visitors; the admin pages for non-staff);
- "method": 405, the page does not accept that method.

Every persona has stated a purpose of access first, so what is tested is role and need to know;
the purpose question itself is tested at the end for every page that reads personal data.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safeguarding.access.models import AuditAction, AuditEvent, User
from safeguarding.concerns.models import PartnerOrganisation
from safeguarding.concerns.reporting import receive_report
from safeguarding.contexts.models import Context, ContextKind
from safeguarding.linkage.models import LinkModelVersion
from safeguarding.network.models import Edge, Node
from safeguarding.network.services import build_network
from safeguarding.people.enumerations import EventType
from safeguarding.places.models import Area, AreaKind
from safeguarding.risk.models import Override
from tests.conftest import CAST, state_purpose
from tests.factories import (
    ImportBatchFactory,
    InvolvementFactory,
    PersonFactory,
    SourceRecordFactory,
)
from tests.people.conftest import put_on_agenda

pytestmark = pytest.mark.django_db

PERSONAS = [*CAST, "anonymous"]
READS = [AuditAction.VIEW, AuditAction.EXPORT, AuditAction.SEARCH]
SIGNED_IN = set(CAST)
# Roles that read people's records (people.view_person); the voluntary-sector member reads only
# young people on a current panel agenda, as the open person in this test is.
READ_PEOPLE = {
    "analyst",
    "practitioner",
    "panel_chair",
    "police_panel_member",
    "health_panel_member",
    "voluntary_panel_member",
    "manager",
    "named_user",
}
READ_TRACKER = READ_PEOPLE
DOWNLOAD_TRACKER = {
    "analyst",
    "panel_chair",
    "police_panel_member",
    "health_panel_member",
    "voluntary_panel_member",
}
SET_LEVELS = {"panel_chair", "police_panel_member", "health_panel_member", "voluntary_panel_member"}
ANALYSTS = {"analyst"}
# The panel (panel.view_meeting): its members, the chair, analysts and managers; the chair alone
# changes meetings and items; members and the chair close their actions (panel.change_action).
READ_PANEL = {
    "analyst",
    "panel_chair",
    "police_panel_member",
    "health_panel_member",
    "voluntary_panel_member",
    "manager",
}
CHAIR = {"panel_chair"}
CLOSE_ACTIONS = {
    "panel_chair",
    "police_panel_member",
    "health_panel_member",
    "voluntary_panel_member",
}
# Contexts: read by those who read people's records; referred and worked on by practitioners
# and the panel.
READ_CONTEXTS = READ_PEOPLE
WORK_ON_CONTEXTS = READ_PEOPLE - {"analyst", "manager"}
AUDITORS = {"auditor"}
NAMED = {"named_user"}
VOLUNTARY = {"voluntary_panel_member"}
ADMINISTRATOR = {"administrator"}


@dataclass(frozen=True)
class Expect:
    """Who gets "ok" for each method; every other signed-in persona gets `otherwise`."""

    get: set[str] | None  # None: the page takes no GET (405 for everyone signed in)
    post: set[str] | None = None  # None: the page takes no POST (405 for everyone signed in)
    otherwise: str = "refused"
    anonymous: str = "login"
    allowed: str = "ok"  # what those allowed get (signing out sends them to sign in)


# (URL name, variant): the variant picks the record the URL points at (see `arguments`).
EXPECTATIONS: dict[tuple[str, str], Expect] = {
    ("web:home", ""): Expect(get=SIGNED_IN),
    ("web:pipeline_runs", ""): Expect(get=ANALYSTS),
    ("access:login", ""): Expect(get=SIGNED_IN, post=SIGNED_IN, anonymous="ok"),
    ("access:logout", ""): Expect(get=set(), post=SIGNED_IN, otherwise="method", allowed="login"),
    # Each user's own sign-in security: the second step, setting up an authenticator (sent on
    # once they have one), recovery codes shown once, and the security page.
    ("access:two_factor", ""): Expect(get=SIGNED_IN, post=SIGNED_IN),
    ("access:two_factor_set_up", ""): Expect(get=SIGNED_IN, post=SIGNED_IN),
    ("access:recovery_codes", ""): Expect(get=SIGNED_IN, otherwise="method"),
    ("access:security", ""): Expect(get=SIGNED_IN, post=SIGNED_IN),
    ("access:audit", ""): Expect(get=AUDITORS),
    ("access:audit_download", ""): Expect(get=AUDITORS),
    # Who has viewed one young person, from the audit log: for auditors.
    ("access:person_viewers", "open"): Expect(get=AUDITORS),
    ("access:person_viewers", "restricted"): Expect(get=AUDITORS),
    ("access:purpose", ""): Expect(get=SIGNED_IN, post=SIGNED_IN),
    ("risk:tracker", ""): Expect(get=READ_TRACKER),
    ("risk:export", ""): Expect(get=DOWNLOAD_TRACKER),
    ("risk:validation", ""): Expect(get=READ_TRACKER),
    ("risk:override", "open"): Expect(get=SET_LEVELS, post=SET_LEVELS),
    ("risk:override", "restricted"): Expect(get=set(), post=set()),
    ("risk:end_override", "open"): Expect(get=SET_LEVELS, post=SET_LEVELS),
    ("people:search", ""): Expect(get=READ_PEOPLE),
    # The map and its data: counts for those who read people's records (the same roles), single
    # episodes and the people behind a cell only through people.view_person.
    ("places:map", ""): Expect(get=READ_PEOPLE),
    ("places:geography", ""): Expect(get=READ_PEOPLE),
    ("places:hotspots", ""): Expect(get=READ_PEOPLE),
    ("places:found", ""): Expect(get=READ_PEOPLE),
    ("places:cell", ""): Expect(get=READ_PEOPLE),
    ("places:areas", ""): Expect(get=READ_PEOPLE),
    ("people:detail", "open"): Expect(get=READ_PEOPLE),
    # The panel: meetings (no one's record on the list), one meeting, one item (the voluntary
    # sector's only when invited, as the world's item is), minutes as the reader's agency's copy.
    ("panel:meetings", ""): Expect(get=READ_PANEL, post=CHAIR),
    ("panel:meeting", ""): Expect(get=READ_PANEL, post=CHAIR),
    ("panel:item", ""): Expect(get=READ_PANEL, post=CHAIR),
    ("panel:minutes", ""): Expect(get=READ_PANEL),
    ("panel:my_actions", ""): Expect(get=READ_PANEL, post=CLOSE_ACTIONS),
    ("contexts:list", ""): Expect(get=READ_CONTEXTS, post=WORK_ON_CONTEXTS),
    ("contexts:detail", ""): Expect(get=READ_CONTEXTS, post=WORK_ON_CONTEXTS),
    ("people:detail", "restricted"): Expect(get=NAMED),
    ("people:pdf", "open"): Expect(get=READ_PEOPLE),
    ("people:pdf", "restricted"): Expect(get=NAMED),
    ("linkage:review", ""): Expect(get=ANALYSTS),
    ("linkage:pair", "open"): Expect(get=ANALYSTS, post=ANALYSTS),
    ("linkage:pair", "restricted"): Expect(get=set(), post=set()),
    ("linkage:person", "open"): Expect(get=ANALYSTS, post=ANALYSTS),
    ("linkage:person", "restricted"): Expect(get=set(), post=set()),
    # The list of batches (files, counts, who) holds no personal data: administrators see it.
    ("sources:imports", ""): Expect(get=ANALYSTS | ADMINISTRATOR, post=ANALYSTS),
    ("sources:batch", ""): Expect(get=ANALYSTS),
    # Checking a file before importing it quotes its rows: those who may import, with a purpose.
    ("sources:check", ""): Expect(get=ANALYSTS, post=ANALYSTS),
    # The register of feeds (lawful basis, agreement, retention, counts): no personal data.
    ("sources:register", ""): Expect(get={"manager", "auditor"}),
    ("sources:quarantine", ""): Expect(get=ANALYSTS),
    # The network: the lists, communities, paths, the records behind a link and the exports name
    # other young people, so not the voluntary sector; a person's network (and expanding a
    # person in it) follows the person's own rule, the voluntary sector seeing only the person.
    ("network:graph", ""): Expect(get=READ_PEOPLE - VOLUNTARY),
    ("network:person", "open"): Expect(get=READ_PEOPLE),
    ("network:person", "restricted"): Expect(get=NAMED),
    ("network:expand", "open"): Expect(get=READ_PEOPLE),
    ("network:expand", "restricted"): Expect(get=NAMED),
    ("network:path", ""): Expect(get=READ_PEOPLE - VOLUNTARY),
    # The connecting network: asked with no one chosen here; choosing a restricted person is
    # refused (tests/network/test_connecting_and_events.py).
    ("network:connecting", ""): Expect(get=READ_PEOPLE - VOLUNTARY),
    ("network:community", ""): Expect(get=READ_PEOPLE - VOLUNTARY),
    ("network:edge", "open"): Expect(get=READ_PEOPLE - VOLUNTARY),
    ("network:edge", "restricted"): Expect(get=NAMED),
    ("network:export", ""): Expect(get=DOWNLOAD_TRACKER - VOLUNTARY),
    # Concerns: the public form needs no account (and shows nothing of the partnership's data);
    # the queue, a concern and its triage are the analysts'; the board's counts hold none.
    ("report:start", ""): Expect(get=SIGNED_IN, post=SIGNED_IN, anonymous="ok"),
    ("report:details", ""): Expect(get=SIGNED_IN, post=SIGNED_IN, anonymous="ok"),
    # The outline of the area for the form's map: public geography, read only.
    ("report:area", ""): Expect(get=SIGNED_IN, anonymous="ok"),
    ("concerns:queue", ""): Expect(get=ANALYSTS),
    # Making the concerns of reports left waiting: a change, posted only.
    ("concerns:retry_waiting", ""): Expect(get=None, post=ANALYSTS),
    # Partner organisations: a register of businesses, kept by the analysts.
    ("concerns:organisations", ""): Expect(get=ANALYSTS, post=ANALYSTS),
    ("concerns:organisation", ""): Expect(get=ANALYSTS, post=ANALYSTS),
    ("concerns:export", ""): Expect(get=ANALYSTS),
    ("concerns:counts", ""): Expect(get=ANALYSTS | {"manager"}),
    ("concerns:detail", ""): Expect(get=ANALYSTS, post=ANALYSTS),
}

# Pages whose answer holds personal data: every read of them that is allowed is audited, with
# the purpose stated (checked for every persona in the matrix).
PERSONAL_DATA = {
    "access:audit",
    "access:audit_download",
    "access:person_viewers",
    "risk:tracker",
    "risk:export",
    "risk:override",
    "risk:end_override",
    "people:search",
    "people:detail",
    "people:pdf",
    "linkage:review",
    "linkage:pair",
    "linkage:person",
    "sources:batch",
    "sources:quarantine",
    "places:found",
    "places:cell",
    "places:areas",
    "panel:meeting",
    "panel:item",
    "panel:minutes",
    "panel:my_actions",
    "contexts:list",
    "contexts:detail",
    "network:graph",
    "network:person",
    "network:expand",
    "network:path",
    "network:connecting",
    "network:community",
    "network:edge",
    "network:export",
    "concerns:queue",
    "concerns:export",
    "concerns:detail",
}

# The admin pages: for staff only (everyone else is sent to the admin's sign-in). What the
# administrator may do on each registered model; personal data is not registered at all.
ADMINISTRATOR = {"administrator"}
# Posting to a list or a history page only shows it again (reading, not changing).
VIEW_ONLY = ({"changelist", "change", "history"}, {"changelist", "history"})
ADMIN_MODELS = {
    # model: (the admin views the administrator may open, those they may post to)
    "access.user": ({"changelist", "add", "change", "history"},) * 2,
    "access.agency": ({"changelist", "add", "change", "history"},) * 2,
    "auth.group": VIEW_ONLY,
    "sources.feed": VIEW_ONLY,
    "sources.importbatch": VIEW_ONLY,
    "linkage.linkmodelversion": VIEW_ONLY,
    "risk.scoringrun": VIEW_ONLY,
    "places.area": VIEW_ONLY,
    # Only whether a record is restricted and who may open it: no name, no records.
    "people.person": ({"changelist", "change", "history"},) * 2,
    "access.auditevent": (set(), set()),  # auditors read the audit log on its own page
    "django_tasks_database.dbtaskresult": (set(), set()),
}
ADMIN_SITE_PAGES = {"index", "app_list"}
# The admin's own sign-in, sign-out and password pages are tested with sign-in; view_on_site
# redirects by content type. Another user's password: changing users is the administrator's job.
ADMIN_NOT_IN_MATRIX = {"login", "logout", "password_change", "password_change_done", "view_on_site"}


@pytest.fixture
def world(cast, agencies):
    """One record of each kind every URL can point at."""
    from safeguarding.risk.services import score_everyone
    from tests.factories import FeedFactory

    police = FeedFactory(name="police-nominals", agency=agencies["wiltshire-police"])
    health = FeedFactory(name="health-patients", agency=agencies["health"])
    open_person = PersonFactory(display_name="Jade Example")
    police_record = SourceRecordFactory(
        person=open_person,
        feed=police,
        import_batch__feed=police,
        family_name="Example",
        postcode="SN15 1AA",  # where the restricted person lives too: an address they share
    )
    health_record = SourceRecordFactory(
        person=open_person, feed=health, import_batch__feed=health, family_name="Example"
    )
    InvolvementFactory(
        source_record=police_record,
        person=open_person,
        event__feed=police,
        event__import_batch=police_record.import_batch,
        event__event_type=EventType.MISSING_EPISODE,
        event__occurred_at=timezone.now() - datetime.timedelta(days=10),
    )
    item = put_on_agenda(open_person, chair=cast["panel_chair"])
    context = Context.objects.create(kind=ContextKind.LOCATION, name="The park")
    restricted = PersonFactory(display_name="Restricted Example", restricted=True)
    restricted.allowed_users.add(cast["named_user"])
    restricted_a = SourceRecordFactory(
        person=restricted, feed=police, import_batch__feed=police, postcode="SN15 1AA"
    )
    restricted_b = SourceRecordFactory(person=restricted, feed=health, import_batch__feed=health)
    score_everyone(as_of=timezone.localdate())
    run = build_network().run
    nodes = dict(Node.objects.filter(run=run).values_list("person_id", "index"))
    home = Node.objects.get(run=run, key="ad SN15 1AA").index

    def edge_to(person) -> int:
        return Edge.objects.get(
            run=run,
            kind="lives_at",
            source__in=[nodes[person.pk], home],
            target__in=[nodes[person.pk], home],
        ).pk

    override = Override.objects.create(
        person=open_person, level="high", reason="Seen with older men", set_by=cast["panel_chair"]
    )
    # Every model in the admin pages has a row, so each admin URL points at a real object.
    Area.objects.create(code="E01000001", name="Small area", kind=AreaKind.LSOA)
    LinkModelVersion.objects.create(
        version="v1", trained_at=timezone.now(), path="model.json", threshold=0.9
    )
    DBTaskResult.objects.create(
        args_kwargs={},
        task_path="safeguarding.tasks.nothing",
        backend_name="default",
        run_after=timezone.now(),
        queue_name="default",
    )
    return {
        "open": {
            "person_id": open_person.pk,
            "override_id": override.pk,
            "record_a": police_record.pk,
            "record_b": health_record.pk,
            "run_id": run.pk,
            "index": nodes[open_person.pk],
            "edge_id": edge_to(open_person),
        },
        "restricted": {
            "person_id": restricted.pk,
            "record_a": restricted_a.pk,
            "record_b": restricted_b.pk,
            "run_id": run.pk,
            "index": nodes[restricted.pk],
            "edge_id": edge_to(restricted),
        },
        "": {
            "batch_id": ImportBatchFactory(feed=police).pk,
            "run_id": run.pk,
            "number": Node.objects.get(run=run, person=open_person).community,
            "what": "nodes",
            "meeting_id": item.meeting_id,
            "item_id": item.pk,
            "context_id": context.pk,
            "organisation_id": PartnerOrganisation.objects.create(
                name="Town Cars", sector="taxi", code="town-cars"
            ).pk,
            "concern_id": receive_report(
                answers={"sector": "hotel", "what_happened": "Two girls with older men"},
                address="192.0.2.1",
            ).concern.pk,
        },
    }


def all_url_names() -> list[tuple[str, list[str]]]:
    """Every named URL in the project with the names of its arguments."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}", list(pattern.pattern.regex.groupindex)

    return sorted(set((name, tuple(args)) for name, args in walk(get_resolver().url_patterns)))


def admin_expectation(name: str) -> tuple[str, Expect] | None:
    """The admin pages' expectation, from ADMIN_MODELS; None for an unknown admin URL."""
    page = name.removeprefix("admin:")
    if page in ADMIN_NOT_IN_MATRIX:
        return page, Expect(get=set())
    if page == "auth_user_password_change":
        return page, Expect(get=ADMINISTRATOR, post=ADMINISTRATOR, otherwise="login")
    if page == "autocomplete":  # answers only with a model and field to complete
        return page, Expect(get=set(), post=None, otherwise="login")
    if page == "jsi18n":
        return page, Expect(get=ADMINISTRATOR, post=None, otherwise="login")
    if page in ADMIN_SITE_PAGES:
        return page, Expect(get=ADMINISTRATOR, post=ADMINISTRATOR, otherwise="login")
    for model, (may_open, may_post) in ADMIN_MODELS.items():
        prefix = model.replace(".", "_") + "_"
        if page.startswith(prefix):
            view = page.removeprefix(prefix)
            return model, Expect(
                get=ADMINISTRATOR if view in may_open else set(),
                post=ADMINISTRATOR if view in may_post else set(),
                otherwise="login",
            )
    return None


def test_every_url_has_an_expectation():
    missing = []
    for name, _ in all_url_names():
        if name.startswith("admin:"):
            if admin_expectation(name) is None:
                missing.append(name)
        elif not any(key[0] == name for key in EXPECTATIONS):
            missing.append(name)
    assert not missing, f"Write down who may use these URLs in EXPECTATIONS: {missing}"
    registered = {m._meta.label_lower for m in admin.site._registry}
    assert registered == set(ADMIN_MODELS), "ADMIN_MODELS must list exactly the admin's models"


def outcome(response, *, is_admin_url: bool) -> str:
    if response.status_code == 403:
        return "refused"
    if response.status_code == 405:
        return "method"
    if response.status_code in (301, 302):
        target = urlparse(response.url).path
        if target == reverse("access:login") or (is_admin_url and target == reverse("admin:login")):
            return "login"
        if target == reverse("access:purpose"):
            return "purpose"
        return "ok"
    if response.status_code == 200:
        return "ok"
    return f"status {response.status_code}"


def expected(expect: Expect, persona: str, method: str) -> str:
    if persona == "anonymous":
        # A public page that takes no POST answers anyone's POST with 405.
        if expect.anonymous == "ok" and method == "post" and expect.post is None:
            return "method"
        return expect.anonymous
    if expect.otherwise == "login":  # the admin pages: only staff get past their sign-in
        if persona not in ADMINISTRATOR:
            return "login"
        expect = Expect(get=expect.get, post=expect.post)
    allowed = expect.get if method == "get" else expect.post
    if allowed is None:
        return "method"
    if persona in allowed:
        return expect.allowed
    return expect.otherwise


def admin_arguments(name: str, args: tuple[str, ...]) -> dict:
    """An existing object for an admin URL (a missing one would be redirected, not refused)."""
    values = {}
    for arg in args:
        if arg == "object_id":
            page = name.removeprefix("admin:")
            for model in admin.site._registry:
                if page.startswith(model._meta.label_lower.replace(".", "_") + "_"):
                    values[arg] = model._default_manager.order_by("pk").first().pk
        elif arg == "app_label":
            values[arg] = "people"
        elif arg == "id" and name == "admin:auth_user_password_change":
            values[arg] = User.objects.order_by("pk").first().pk
        else:
            raise AssertionError(f"{name}: say which object its argument {arg!r} names")
    return values


def test_the_matrix(client, cast, world):
    cells, wrong, audited_reads = 0, [], 0
    for name, args in all_url_names():
        if name.startswith("admin:"):
            if name.removeprefix("admin:") in ADMIN_NOT_IN_MATRIX:
                continue
            _, expect = admin_expectation(name)
            variants = {"": admin_arguments(name, args)}
        else:
            variants = {
                variant: {arg: world[variant or ""][arg] for arg in args}
                for (url_name, variant) in EXPECTATIONS
                if url_name == name
            }
        for variant, kwargs in variants.items():
            expect = EXPECTATIONS.get((name, variant)) or admin_expectation(name)[1]
            url = reverse(name, kwargs=kwargs)
            if name == "people:search":
                url += "?q=example"
            for persona in PERSONAS:
                for method in ("get", "post"):
                    client.logout()
                    if persona != "anonymous":
                        client.force_login(cast[persona])
                        state_purpose(client, "casework")
                    refusals = AuditEvent.objects.filter(action=AuditAction.REFUSED).count()
                    reads = AuditEvent.objects.filter(action__in=READS).exclude(purpose="")
                    reads_before = reads.count()
                    response = getattr(client, method)(url)
                    got = outcome(response, is_admin_url=name.startswith("admin:"))
                    want = expected(expect, persona, method)
                    cells += 1
                    if got != want:
                        wrong.append(f"{method.upper()} {name}[{variant}] as {persona}: {got}")
                    elif got == "ok" and method == "get" and name in PERSONAL_DATA:
                        if reads.count() == reads_before:
                            wrong.append(f"GET {name}[{variant}] as {persona}: read not audited")
                        audited_reads += 1
                    elif got == "refused" and not name.startswith("admin:"):
                        newest = AuditEvent.objects.filter(action=AuditAction.REFUSED)
                        if newest.count() != refusals + 1 or newest.first().username != persona:
                            wrong.append(f"{method.upper()} {name} as {persona}: not audited")
    # The size and the audit coverage, for the record (`pytest -s` shows them).
    print(f"authorisation matrix: {cells} cells, {audited_reads} personal-data reads audited")  # noqa: T201
    assert cells > 2000 and audited_reads > 50
    assert not wrong, "\n".join(wrong)


PERSONAL_DATA_PAGES = [
    ("access:audit", {}),
    ("risk:tracker", {}),
    ("risk:export", {}),
    ("people:detail", {"person_id": "open"}),
    ("people:pdf", {"person_id": "open"}),
    ("linkage:review", {}),
    ("linkage:person", {"person_id": "open"}),
    ("sources:batch", {"batch_id": ""}),
    ("sources:quarantine", {"batch_id": ""}),
    ("sources:check", {}),
    ("panel:meeting", {"meeting_id": ""}),
    ("panel:item", {"item_id": ""}),
    ("contexts:detail", {"context_id": ""}),
    ("concerns:queue", {}),
    ("concerns:detail", {"concern_id": ""}),
]


@pytest.mark.parametrize("name,kwargs", PERSONAL_DATA_PAGES)
def test_pages_with_personal_data_ask_the_purpose_first(client, cast, world, name, kwargs):
    persona = "auditor" if name == "access:audit" else "analyst"
    client.force_login(cast[persona])
    arguments = {arg: world[variant][arg] for arg, variant in kwargs.items()}
    response = client.get(reverse(name, kwargs=arguments))
    assert outcome(response, is_admin_url=False) == "purpose"
    assert not AuditEvent.objects.filter(action__in=[AuditAction.VIEW, AuditAction.EXPORT]).exists()


def test_responses_are_never_cached(client_for, world):
    client = client_for("analyst")
    state_purpose(client)
    person = reverse("people:detail", args=[world["open"]["person_id"]])
    for url in (person, reverse("risk:export"), reverse("risk:tracker")):
        assert "no-store" in client.get(url)["Cache-Control"]


@pytest.mark.parametrize(
    "url,status,heading",
    [
        ("/no-such-page/", 404, "Page not found"),
        ("/tracker/export.csv", 403, "You cannot see this page"),
    ],
)
def test_errors_are_the_services_own_pages(client_for, url, status, heading):
    client = client_for("outsider")
    state_purpose(client)
    response = client.get(url)
    assert response.status_code == status
    page = response.content.decode()
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page
    assert "govuk-header" in page or "govuk-generic-header" in page


def test_a_page_asked_to_do_what_it_does_not_explains_itself(client_for):
    response = client_for("analyst").get(reverse("access:logout"))
    assert response.status_code == 405
    assert "This page cannot do that" in response.content.decode()
