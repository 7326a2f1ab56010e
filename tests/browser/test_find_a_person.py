import pytest
from playwright.sync_api import expect

from safeguarding.access.models import AuditAction, AuditEvent
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.factories import FeedFactory, PersonFactory, SourceRecordFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_finds_a_young_person_states_a_purpose_and_sees_every_agency(
    page, cast, agencies
):
    person = PersonFactory(display_name="Jade Example")
    police = FeedFactory(name="police-nominals", agency=agencies["wiltshire-police"])
    health = FeedFactory(name="health-patients", agency=agencies["health"])
    SourceRecordFactory(
        person=person, feed=police, import_batch__feed=police, source_record_id="WP000123"
    )
    SourceRecordFactory(
        person=person,
        feed=health,
        import_batch__feed=health,
        source_record_id="RHX0000077",
        given_names="Jayde",
    )
    sign_in(page, username="analyst", password=PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="People").click()
    page.get_by_label("Name, date of birth (dd/mm/yyyy) or any agency's id").fill("jade")
    page.get_by_role("button", name="Search").click()
    # Results name young people: the purpose is asked before any is listed.
    page.get_by_label("Preparing for or attending a multi-agency panel").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_test_id("search-results").get_by_role("link", name="Jade Example").click()
    records = page.get_by_test_id("source-records").inner_text()
    assert "Wiltshire Police" in records and "WP000123" in records
    assert "NHS Integrated Care Board" in records and "RHX0000077" in records

    # The purpose stays in view and can be changed; later views carry the new one.
    assert "Preparing for or attending" in page.get_by_test_id("purpose").inner_text()
    page.get_by_test_id("purpose").get_by_role("link", name="Change purpose").click()
    assert page.get_by_label("Preparing for or attending a multi-agency panel").is_checked()
    page.get_by_label("Casework with this young person").check()
    page.get_by_role("button", name="Continue").click()
    assert "Casework with this young person" in page.get_by_test_id("purpose").inner_text()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_id=str(person.pk), purpose="Casework with this young person"
    ).exists()


def test_two_people_of_one_name_are_told_apart(page, cast, agencies):
    import datetime

    from tests.people.conftest import event_for

    police = FeedFactory(name="police-nominals", agency=agencies["wiltshire-police"])
    school = FeedFactory(name="education-pupils", agency=agencies["education"])
    older = PersonFactory(display_name="Kimberley Hart", date_of_birth=datetime.date(2009, 3, 4))
    younger = PersonFactory(display_name="Kimberley Hart", date_of_birth=datetime.date(2013, 8, 20))
    arrested = SourceRecordFactory(
        person=older,
        feed=police,
        import_batch__feed=police,
        given_names="Kimberley",
        family_name="Hart",
        date_of_birth=older.date_of_birth,
    )
    event_for(arrested, "arrest", days_ago=12)
    SourceRecordFactory(
        person=younger,
        feed=school,
        import_batch__feed=school,
        given_names="Kim",
        family_name="Hart",
        date_of_birth=younger.date_of_birth,
    )
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, username="analyst", password=PASSWORD)
    page.goto("/people/?q=kimberley+hart")
    page.get_by_label("Analysis for the partnership").check()
    page.get_by_role("button", name="Continue").click()
    rows = page.get_by_test_id("search-result")
    expect(rows).to_have_count(2)
    text = {rows.nth(i).inner_text() for i in range(2)}
    police_row = next(row for row in text if "Wiltshire Police" in row)
    school_row = next(row for row in text if "Education" in row or "education" in row.lower())
    assert "aged" in police_row and "None recorded" not in police_row
    assert "Exact name" in police_row
    assert "Nickname" in school_row and "None recorded" in school_row
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
