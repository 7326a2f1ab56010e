"""The public form: no account, only what someone saw required, and abuse-resistant."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from safeguarding.concerns import reporting
from safeguarding.concerns.models import Concern, Priority, Report
from tests.concerns.conftest import details_url, send

pytestmark = pytest.mark.django_db


def test_the_start_page_needs_no_account_and_shows_nothing_of_the_partnership(client):
    response = client.get(reverse("report:start"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Taxi or private hire" in page and "Hotel or short let" in page
    assert "call 999" in page
    for staff_only in ("Sign out", "Tracker", "OFFICIAL-SENSITIVE", "Purpose of access"):
        assert staff_only not in page
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy and "form-action 'self'" in policy


def test_choosing_a_sector_shows_that_sectors_indicators(client):
    response = client.post(reverse("report:start"), {"sector": "hotel"})
    assert response.status_code == 302 and response.url == details_url("hotel")
    page = client.get(response.url).content.decode()
    assert "Refusing cleaning or room service" in page
    assert "travelling a long distance alone" not in page  # the taxi driver's list


def test_the_form_page_runs_only_the_sites_own_script_files():
    """The map's scripts are files from the site; no inline script, and nothing else loosened."""
    import re

    response = Client().get(details_url("hotel"))
    page = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.DOTALL)
    assert [attributes for attributes, _ in scripts] == [
        ' src="/static/leaflet/leaflet.js"',
        ' src="/static/concerns/report-map.js"',
    ]
    assert all(body == "" for _, body in scripts)
    assert not re.search(r"<[^>]+\son[a-z]+=", page)
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'" and policy["connect-src"] == "'self'"
    assert policy["default-src"] == "'none'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'self'"
    # The other public pages still run no script at all.
    sent = send(Client(), what_happened="seen")
    assert "script-src 'none'" in sent["Content-Security-Policy"]


def test_an_anonymous_hotel_report_with_a_vehicle_gets_a_reference(client):
    response = send(
        client,
        indicators=["hotel-young-with-older-adults", "hotel-cash"],
        vehicles="ab12 cde, XY65 ZZZ",
        postcode="sn15 1aa",
        seen_on="01/12/2026",
        seen_time="23:10",
        contact_me="no",
        reporter_name="Should not be kept",
    )
    assert response.status_code == 200
    concern = Concern.objects.get()
    assert f'<strong data-testid="reference">{concern.reference}</strong>' in (
        response.content.decode()
    )
    assert concern.report.answers["indicators"] == ["hotel-young-with-older-adults", "hotel-cash"]
    assert concern.anonymous and concern.reporter_name == ""
    assert concern.postcode == "SN15 1AA"
    assert concern.seen_at.hour == 23
    assert sorted(concern.named_objects.values_list("value", flat=True)) == ["AB12CDE", "XY65ZZZ"]
    assert concern.priority == Priority.HIGH  # young people with older adults is urgent
    assert (concern.due_at - concern.received_at).total_seconds() == 24 * 3600


def test_a_child_in_danger_now_comes_first_and_is_told_to_call_999(client):
    response = send(client, what_happened="A boy is being held in room 12", danger_now="yes")
    concern = Concern.objects.get()
    assert concern.priority == Priority.IMMEDIATE and concern.danger_now
    assert (concern.due_at - concern.received_at).total_seconds() == 3600
    assert "Call 999 now" in response.content.decode()


def test_a_report_of_only_what_they_saw_is_accepted(client):
    send(client, what_happened="Saw something odd")
    concern = Concern.objects.get()
    assert concern.what_happened == "Saw something odd"
    assert concern.priority == Priority.ROUTINE
    assert (concern.postcode, concern.address, concern.seen_at) == ("", "", None)
    assert not concern.named_objects.exists()
    send(client, sector="taxi", indicators=["taxi-paid-by-adult"])
    assert Concern.objects.count() == 2


def test_a_report_that_says_nothing_seen_is_refused_with_a_message(client):
    response = send(client, postcode="SN15 1AA")
    assert "Select what you saw, or tell us in your own words" in response.content.decode()
    assert not Report.objects.exists()


def test_an_indicator_of_another_sector_is_refused(client):
    response = send(client, indicators=["taxi-packages"])
    assert response.status_code == 200
    assert not Report.objects.exists()


def test_an_address_may_send_only_its_hours_allowance(client, settings):
    settings.CONCERN_REPORTS_PER_HOUR = 3
    for _ in range(3):
        assert send(client, what_happened="seen").status_code == 200
    refused = send(client, what_happened="seen again")
    assert refused.status_code == 429
    assert "Too many reports" in refused.content.decode()
    assert Report.objects.count() == 3
    # Another address is not held back by the first.
    assert send(client, what_happened="seen", network="198.51.100.8").status_code == 200
    # The table keeps a keyed hash of the address, never the address itself.
    assert not Report.objects.filter(address_hash__contains="198.51").exists()


def test_the_limit_counts_the_last_hour_only(client, settings):
    import datetime

    from django.utils import timezone

    settings.CONCERN_REPORTS_PER_HOUR = 1
    send(client, what_happened="seen")
    Report.objects.update(received_at=timezone.now() - datetime.timedelta(minutes=61))
    assert send(client, what_happened="seen").status_code == 200


def test_a_robot_filling_the_honeypot_is_thanked_and_nothing_is_kept(client):
    response = send(client, what_happened="cheap pills", website="http://spam.example")
    assert response.status_code == 200
    assert "Report sent" in response.content.decode()
    assert not Report.objects.exists() and not Concern.objects.exists()


def test_oversized_input_is_refused_before_anything_is_kept(client):
    response = send(client, what_happened="x" * 25_000)
    assert response.status_code == 413
    assert not Report.objects.exists()


def test_an_oversized_report_is_refused_before_csrf_reads_its_body():
    """Without a CSRF token a small post is refused by CSRF (403); a large one is refused by
    its size first (413), so Django never reads the body, with the public pages' policy."""
    client = Client(enforce_csrf_checks=True)
    small = client.post(reverse("report:details"), {"sector": "hotel", "what_happened": "x"})
    assert small.status_code == 403
    large = client.post(
        reverse("report:details"), {"sector": "hotel", "what_happened": "x" * 25_000}
    )
    assert large.status_code == 413
    assert "Your report is too long to send" in large.content.decode()
    assert "script-src 'none'" in large["Content-Security-Policy"]
    # A length the client claims, whatever it sends, is enough to refuse.
    claimed = client.generic(
        "POST",
        reverse("report:details"),
        b"sector=hotel",
        CONTENT_LENGTH="20001",
        content_type="application/x-www-form-urlencoded",
    )
    assert claimed.status_code == 413
    assert not Report.objects.exists()
    # Other addresses are not limited by the form's size.
    assert client.post("/access/sign-in/", {"username": "x" * 25_000}).status_code == 403


def test_a_field_longer_than_its_limit_is_refused(client):
    response = send(client, what_happened="seen", address="a" * 301)
    assert "Ensure this value has at most 300 characters" in response.content.decode()
    assert not Report.objects.exists()


def test_too_many_vehicles_are_refused(client):
    response = send(client, what_happened="seen", vehicles=",".join(f"AB{n}" for n in range(11)))
    assert "Give at most 10 vehicles" in response.content.decode()


def test_files_are_never_accepted(client):
    upload = SimpleUploadedFile("photo.jpg", b"\xff\xd8" * 10, content_type="image/jpeg")
    response = client.post(
        reverse("report:details"),
        {"sector": "hotel", "what_happened": "seen", "photo": upload},
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 413
    assert not Report.objects.exists()


def test_the_form_needs_its_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("report:details"), {"sector": "hotel", "what_happened": "x"})
    assert response.status_code == 403
    assert not Report.objects.exists()


def test_hostile_text_is_stored_as_written_and_shown_as_text(client, analyst_client):
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    long_word = "W" * (4000 - len(script))  # one word as long as the field takes, no spaces
    send(
        client,
        what_happened=script + long_word,
        people_described='=HYPERLINK("http://evil")\x00',
        address="\u202eloh\u202c " + "é" * 200,
    )
    concern = Concern.objects.get()
    assert concern.what_happened == script + long_word
    assert concern.people_described == '=HYPERLINK("http://evil")'  # the NUL is dropped
    page = analyst_client.get(reverse("concerns:detail", args=[concern.pk])).content.decode()
    assert script not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert long_word in page and "é" * 200 in page
    assert "\u202e" not in concern.address  # a control character that reverses text


def test_a_report_is_kept_even_when_making_its_concern_fails():
    """A real failure: the database refuses the concern (a point off the earth, as a caller
    going around the form's checks could send); the report and its reference stand."""
    stored = reporting.receive_report(
        answers={"sector": "hotel", "what_happened": "seen", "latitude": 123.0, "longitude": 0},
        address="198.51.100.7",
    )
    assert Report.objects.get().reference == stored.reference
    assert not Concern.objects.exists()
    # Retried, it fails the same way and stays waiting; the retry itself does not fail.
    assert reporting.retry_waiting_reports() == reporting.Retried(made=0, failed=1)
    assert Report.objects.filter(concern__isnull=True).count() == 1


def test_a_registered_partners_code_carries_its_organisation(client):
    from safeguarding.concerns.models import PartnerOrganisation

    firm = PartnerOrganisation.objects.create(name="Town Cars", sector="taxi", code="town-cars")
    send(client, sector="taxi", what_happened="seen", organisation_code="TOWN-CARS")
    send(client, sector="taxi", what_happened="seen", organisation_code="unknown")
    assert [c.organisation for c in Concern.objects.order_by("pk")] == [firm, None]


def test_on_the_public_host_only_the_form_is_served(client, settings):
    settings.CONCERN_PUBLIC_HOSTS = ["report.example.org"]
    settings.ALLOWED_HOSTS = ["report.example.org", "testserver"]
    assert client.get("/report/", HTTP_HOST="report.example.org").status_code == 200
    assert client.get("/", HTTP_HOST="report.example.org").url == "/report/"
    for staff_page in ("/access/sign-in/", "/people/", "/concerns/", "/admin/"):
        assert client.get(staff_page, HTTP_HOST="report.example.org").status_code == 404
    assert client.get("/access/sign-in/").status_code == 200  # the staff host is unchanged
