"""A whole panel meeting in real Chromium: the chair opens the agenda that built itself, adds a
context, runs an item (notes, a decision, two actions with owners), closes the meeting, agrees
the minutes and downloads the PDF; a member closes their action from "my actions"; the next
meeting's agenda carries the overdue action forward."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguarding.access.models import AuditAction, AuditEvent
from safeguarding.contexts.models import Context, ContextKind, Stage
from safeguarding.panel.models import Action, Meeting, MeetingSeries, SeriesKind
from tests.browser.conftest import forget_the_user, sign_in
from tests.conftest import PASSWORD
from tests.factories import PersonFactory
from tests.panel.conftest import scoring_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PURPOSE = "Preparing for or attending a multi-agency panel"
POLICE = "Police Panel Member (Wiltshire Police)"
HEALTH = "Health Panel Member (NHS Integrated Care Board)"


@pytest.fixture
def series(cast):
    series = MeetingSeries.objects.create(
        name="VACS panel", kind=SeriesKind.CHILDREN, chair=cast["panel_chair"]
    )
    series.members.set([cast["police_panel_member"], cast["health_panel_member"]])
    return series


@pytest.fixture
def people():
    return {name: PersonFactory(display_name=name) for name in ("Amy", "Ben")}


def test_a_whole_meeting_from_agenda_to_minutes_and_actions_to_the_next_agenda(
    page, cast, series, people
):
    today = timezone.localdate()
    amy, ben = people["Amy"], people["Ben"]
    scoring_run(today - datetime.timedelta(days=30), {amy: ("high", 80, "steady")})
    scoring_run(
        today - datetime.timedelta(days=1),
        {amy: ("high", 82, "steady"), ben: ("high", 70, "rising", ",childrens-social-care,")},
    )
    Meeting.objects.create(
        series=series,
        title="VACS panel",
        held_on=today - datetime.timedelta(days=14),
        chair=cast["panel_chair"],
        status="closed",
    )
    meeting = Meeting.objects.create(
        series=series, title="VACS panel", held_on=today, chair=cast["panel_chair"]
    )
    Context.objects.create(kind=ContextKind.LOCATION, name="Riverside park", stage=Stage.PLAN)

    sign_in(page, username="panel_chair", password=PASSWORD)
    page.get_by_label(PURPOSE).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Panel").click()
    page.get_by_role("link", name="VACS panel").first.click()
    assert f"/panel/meetings/{meeting.pk}/" in page.url
    page.get_by_role("button", name="Build the agenda").click()
    assert "1 item added" in page.get_by_role("alert").inner_text()
    agenda = page.get_by_test_id("agenda")
    assert "Ben" in agenda.inner_text() and "Amy" not in agenda.inner_text()  # Amy: still high
    assert "Newly high on the tracker" in agenda.inner_text()

    form = page.get_by_test_id("add-item")
    form.get_by_label("Or a context").select_option(label="Riverside park")
    form.get_by_label("Why is it on the agenda?").fill("Young people found here at night")
    form.get_by_role("button", name="Add to the agenda").click()
    expect(page.get_by_test_id("agenda").locator("tbody tr")).to_have_count(2)

    page.get_by_test_id("agenda").get_by_role("link", name="Ben").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Ben"
    page.get_by_label("Discussion notes").fill("Ben has been missing twice; seen with adults.")
    page.get_by_role("button", name="Save the notes").click()
    page.get_by_label("Escalate to a strategy meeting").check()
    page.get_by_label("Reason for the decision").fill("Exploitation indicators rising")
    page.get_by_role("button", name="Record the decision").click()
    for description, owner, due in (
        ("Convene the strategy meeting", POLICE, today + datetime.timedelta(days=5)),
        ("Share the ED attendance summary", HEALTH, today - datetime.timedelta(days=1)),
    ):
        form = page.get_by_test_id("action-form")
        form.get_by_label("Action").fill(description)
        form.get_by_label("Owner").select_option(label=owner)
        form.get_by_label("Due by").fill(due.strftime("%d/%m/%Y"))
        form.get_by_role("button", name="Add the action").click()
        assert "Action added" in page.get_by_role("alert").inner_text()
    decision = page.get_by_test_id("decision")
    assert "Convene the strategy meeting" in decision.inner_text()
    assert "Overdue" in decision.inner_text()  # the health action is already past its date

    page.get_by_role("link", name="Back to the meeting").click()
    page.get_by_label("Chair's summary for the minutes").fill("Ben escalated.")
    page.get_by_role("button", name="Close the meeting").click()
    page.get_by_role("button", name="Agree the minutes").click()
    assert page.get_by_test_id("meeting-status").inner_text() == "Minutes agreed"
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your agency's copy (PDF)").click()
    pdf = download.value
    assert pdf.suggested_filename == f"minutes-{today}-childrens-social-care.pdf"
    with open(pdf.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="minutes").exists()

    # The police member closes their action from "my actions".
    forget_the_user(page)
    sign_in(page, username="police_panel_member", password=PASSWORD)
    page.get_by_label(PURPOSE).check()
    page.get_by_role("button", name="Continue").click()
    page.goto("/panel/my-actions/")
    card = page.get_by_test_id("my-action")
    assert "Convene the strategy meeting" in card.inner_text()
    card.get_by_label("Outcome of").fill("Held on Monday; plan agreed")
    card.get_by_role("button", name="Close the action").click()
    assert "Done" in page.get_by_test_id("my-action").inner_text()
    assert Action.objects.get(description__startswith="Convene").status == "done"

    # The chair plans the next meeting; its agenda carries the overdue action forward.
    forget_the_user(page)
    sign_in(page, username="panel_chair", password=PASSWORD)
    page.get_by_label(PURPOSE).check()
    page.get_by_role("button", name="Continue").click()
    page.goto("/panel/")
    page.get_by_label("Series").select_option(label="VACS panel")
    page.get_by_label("Date (optional)").fill(
        (today + datetime.timedelta(days=14)).strftime("%d/%m/%Y")
    )
    page.get_by_role("button", name="Plan the meeting").click()
    page.get_by_role("button", name="Build the agenda").click()
    agenda = page.get_by_test_id("agenda").inner_text()
    assert "Ben" in agenda and "1 panel action overdue" in agenda
    carried = page.get_by_test_id("carried-forward").inner_text()
    assert "Share the ED attendance summary" in carried and "Overdue" in carried
    assert "Convene the strategy meeting" not in carried  # closed
    page.goto("/panel/my-actions/")
    assert "Share the ED attendance summary" in page.get_by_test_id("escalated").inner_text()
