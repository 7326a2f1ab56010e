"""A context from referral to review in real Chromium: a practitioner refers a park; the chair
screens it, assesses it with the neighbourhood triangle, holds the conference, records the plan
with a partner's action, and reviews it; the history shows every step with its author."""

import pytest

from safeguarding.contexts.models import Context
from tests.browser.conftest import forget_the_user, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PURPOSE = "Preparing for or attending a multi-agency panel"


def record(page, step: str, summary: str, *, review: str = "") -> None:
    form = page.get_by_test_id("step-form")
    form.get_by_label("Step to record").select_option(label=step)
    form.get_by_label("What was found or decided").fill(summary)
    if review:
        form.get_by_label("Next review (plans and reviews)").fill(review)
    form.get_by_role("button", name="Record the step").click()
    assert f"{step} recorded" in page.get_by_role("alert").inner_text()


def test_a_context_from_referral_to_conference_to_plan_to_review(page, cast):
    sign_in(page, username="practitioner", password=PASSWORD)
    page.goto("/contexts/")
    page.get_by_label("Casework with this young person").check()  # asked before the list
    page.get_by_role("button", name="Continue").click()
    referral = page.get_by_test_id("referral")
    referral.get_by_label("Place").check()
    referral.get_by_label("Name").fill("Riverside park")
    referral.get_by_label("Why is it referred?").fill("Missing young people found here at night")
    referral.get_by_role("button", name="Refer the context").click()
    assert page.get_by_test_id("context-stage").inner_text() == "Referred"

    forget_the_user(page)
    sign_in(page, username="panel_chair", password=PASSWORD)
    page.get_by_label(PURPOSE).check()
    page.get_by_role("button", name="Continue").click()
    context = Context.objects.get()
    page.goto(f"/contexts/{context.pk}/")
    record(page, "Screening", "Meets the threshold for a context assessment")

    form = page.get_by_test_id("step-form")
    form.get_by_label("Step to record").select_option(label="Assessment")
    form.get_by_label("What was found or decided").fill("Neighbourhood assessment with youth work")
    form.get_by_text("Assessment: the place assessment triangle").click()
    for side, rating, notes in (
        ("harm", 2, "Drug supply to under-16s after dark"),
        ("guardianship", 1, "Café staff willing to act as guardians"),
        ("environment", 2, "No lighting by the skate park"),
    ):
        page.locator(f"#id_step-{side}_rating_{rating}").check()
        page.locator(f"#id_step-{side}_notes").fill(notes)
    form.get_by_role("button", name="Record the step").click()
    assert page.get_by_test_id("context-stage").inner_text() == "Assessed"

    record(page, "Context conference", "Partners agree a plan for the park")
    record(page, "Plan", "Guardianship, lighting, patrols, youth work", review="05/03/2027")
    plan = page.get_by_test_id("plan-action-form")
    plan.get_by_label("Action").fill("Evening patrols Thursday to Saturday")
    plan.get_by_label("Partner who owns it").select_option(
        label="Police (e.g. patrols, disruption)"
    )
    plan.get_by_label("Due by").fill("31/01/2027")
    plan.get_by_role("button", name="Add the action").click()
    assert "Evening patrols" in page.get_by_test_id("context-actions").inner_text()

    record(page, "Review", "Fewer young people found here since patrols", review="05/06/2027")
    assert page.get_by_test_id("context-stage").inner_text() == "Reviewed"
    history = page.get_by_test_id("context-steps").inner_text()
    for step in ("Referral", "Screening", "Assessment", "Context conference", "Plan", "Review"):
        assert step in history
    assert "recorded by Practitioner" in history and "recorded by Panel Chair" in history
    assert "Drug supply to under-16s after dark" in history
    context.refresh_from_db()
    assert context.review_due.isoformat() == "2027-06-05"
