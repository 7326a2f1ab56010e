"""The linkage review queue in real Chromium: an analyst reviews a pair the county's model was
unsure of, reads the waterfall and decides they are not the same young person."""

import re

import pytest
from playwright.sync_api import expect

from safeguarding.linkage.decisions import review_queue
from safeguarding.linkage.models import LinkDecision, LinkDecisionKind
from safeguarding.linkage.pipeline import link_all
from safeguarding.synth.county import build_county
from safeguarding.synth.parameters import REFERENCE_END
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.linkage.conftest import COUNTY_SCALE, COUNTY_SEED, import_county

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def linked_county(cast, tmp_path):
    """The small synthetic county imported and linked: a real queue of uncertain pairs."""
    build_county(out_dir=tmp_path, seed=COUNTY_SEED, scale=COUNTY_SCALE, window_end=REFERENCE_END)
    import_county(tmp_path)
    link_all(full=True)
    assert review_queue().count() > 1


def test_an_analyst_decides_a_pair_is_not_the_same_person(page, linked_county):
    waiting = review_queue().count()
    first = review_queue().first()
    sign_in(page, username="analyst", password=PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Linkage").click()
    page.get_by_label("Analysis for the partnership").check()
    page.get_by_role("button", name="Continue").click()

    assert f"{waiting} pairs of records are waiting" in page.get_by_test_id("waiting").inner_text()
    queue = page.get_by_test_id("review-queue")
    # On a phone the queue scrolls in its own box, with its hidden labels; the page does not.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    queue.locator(f'tr[data-pair="{first.record_a_id}-{first.record_b_id}"]').get_by_role(
        "link", name=re.compile("^Review")
    ).click()
    page.wait_for_url(f"**/linkage/pairs/{first.record_a_id}/{first.record_b_id}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Are these the same young person?"

    waterfall = page.get_by_test_id("waterfall")
    assert waterfall.get_by_role("rowheader", name="Before comparing anything").is_visible()
    assert waterfall.get_by_role("rowheader", name="Date of birth").is_visible()
    # the prior, seven comparisons, the total
    expect(waterfall.locator("svg rect")).to_have_count(9)
    assert page.get_by_test_id("waterfall-total").inner_text() == f"{first.match_weight:+.2f}"

    page.get_by_label("Not the same person").check()
    page.get_by_label("Why?").fill("Different dates of birth and schools: siblings")
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_url(re.compile(r"/linkage/pairs/\d+/\d+/$"))
    assert "Decision recorded: Not the same person" in page.get_by_role("alert").inner_text()
    assert not page.url.endswith(f"/pairs/{first.record_a_id}/{first.record_b_id}/")

    decision = LinkDecision.objects.get()
    assert (decision.record_a_id, decision.record_b_id, decision.kind, decision.reason) == (
        first.record_a_id,
        first.record_b_id,
        LinkDecisionKind.NOT_SAME_PERSON,
        "Different dates of birth and schools: siblings",
    )
    assert decision.decided_by.username == "analyst"
    assert not review_queue().filter(pk=first.pk).exists()
    assert review_queue().count() == waiting - 1
