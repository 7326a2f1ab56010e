"""The validation page, and what the tracker shows of validity: vulnerabilities apart from
indicators, the weighting in use, and the fairness warning."""

from math import nan

import pytest
from django.urls import reverse

from safeguarding.access.models import AuditEvent
from safeguarding.risk.catalogue import load_catalogue
from safeguarding.risk.evaluation import BOUND_NAMES, bound_rows
from safeguarding.risk.evaluation import Validation as Report
from safeguarding.risk.models import Validation
from safeguarding.risk.services import record_validation
from tests.risk.test_tracker_pages import open_tracker, scored  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def row(method: str, ethnicity_ratio: float) -> dict:
    return {
        "method": method,
        "precision_at_50": 0.3,
        "precision_at_100": 0.2,
        "recall": 0.5,
        "roc_auc": 0.81,
        # a tracker's interval by young person; a baseline has none (NaN, stored as None)
        "roc_auc_interval": [0.764, 0.853] if method.startswith("tracker") else [nan, nan],
        "average_precision": 0.4,
        "flagged": 120.0,
        "warned_share": 0.6,
        "warned": 12,
        "signalled_crises": 20,
        "crises": 30,
        "median_warning_days": 85.0,
        "fairness": {
            "ethnicity:fpr_top": {
                "ratio": ethnicity_ratio,
                "high": "Black",
                "low": "White",
                "interval": [1.2, 3.1],
                "chance": 1.74,
            },
            "sex:fpr_top": {"ratio": 1.1, "high": "male", "low": "female", "interval": [1, 1.3]},
        },
    }


def validate(ratio: float) -> Validation:
    report = Report(
        text="the full report",
        rows=[row("tracker (all agencies)", ratio), row("rule: 3+ missing in 90 days", 3.0)],
    )
    return record_validation(validation=report, catalogue=load_catalogue(), label="A county")


@pytest.mark.usefixtures("scored")
def test_a_validation_over_the_limit_warns_on_the_tracker_and_names_the_groups(client_for):
    stored = validate(1.9)
    assert stored.over_limit and stored.worst_ratio == pytest.approx(1.9)
    assert stored.worst_ratio_between == "ethnicity: Black / White (fpr_top)"
    response = open_tracker(client_for("analyst"))
    assert b'data-testid="fairness-warning"' in response.content
    assert b"Black / White" in response.content
    assert b"expert weights, from national guidance" in response.content


@pytest.mark.usefixtures("scored")
def test_within_the_limit_there_is_no_warning(client_for):
    validate(1.1)
    response = open_tracker(client_for("analyst"))
    assert b'data-testid="fairness-warning"' not in response.content


@pytest.mark.usefixtures("scored")
def test_vulnerabilities_are_shown_apart_from_indicators(client_for):
    response = open_tracker(client_for("analyst"))
    medium = next(r for r in response.context["rows"] if r["name"] == "Medium Person")
    assert "excluded-from-school" in {v["id"] for v in medium["vulnerabilities"]}
    # An exclusion is a vulnerability only (catalogue 2026.12.3): the indicators are care's.
    assert {"factor-cce", "factor-missing"} <= {i["id"] for i in medium["indicators"]}
    assert not {v["id"] for v in medium["vulnerabilities"]} & {
        i["id"] for i in medium["indicators"]
    }
    assert b'data-testid="vulnerabilities"' in response.content


def test_the_validation_page_shows_every_method_and_is_audited(client_for):
    stored = validate(1.9)
    response = client_for("analyst").get(reverse("risk:validation"))
    assert response.status_code == 200
    assert [r["method"] for r in response.context["rows"]] == [
        "tracker (all agencies)",
        "rule: 3+ missing in 90 days",
    ]
    assert b"Ethnic groups, wrongly in the top 100" in response.content
    assert response.content.count(b"0.764 to 0.853") == 1  # the tracker's AUC interval only
    # What chance alone gives, beside the ratio (stored figures from before it have none).
    assert response.content.count(b"chance alone about 1.74") == 2
    assert AuditEvent.objects.filter(
        object_type="risk_evaluation", object_id=str(stored.pk)
    ).exists()


def test_the_validation_page_shows_how_far_any_weighting_could_go(client_for):
    found = {
        "tracker": (0.845, 0.288, 0.17),
        "signs first": (0.850, 0.617, 0.22),
        "truth-fitted weights": (0.881, 0.437, 0.21),
        "both": (0.893, 0.632, 0.22),
    }
    report = Report(text="", rows=[row("tracker (all agencies)", 1.1)], bounds=bound_rows(found))
    record_validation(validation=report, catalogue=load_catalogue(), label="A county")
    response = client_for("analyst").get(reverse("risk:validation"))
    page = response.content.decode()
    table = page[page.index('data-testid="validation-bounds"') :]
    table = table[: table.index("</table>")]
    # One row per bound, in order, each with its own figures.
    rows = table.split('<th scope="row"')[1:]
    for cells, (key, name), (auc, ap, p50) in zip(
        rows, BOUND_NAMES.items(), found.values(), strict=True
    ):
        assert name in cells, key
        assert [f"{p50:.2f}", f"{auc:.3f}", f"{ap:.3f}"] == [
            cell.split(">")[1].split("<")[0] for cell in cells.split("<td")[1:]
        ]


def test_a_validation_stored_before_the_bounds_shows_no_bounds_table(client_for):
    validate(1.1)
    response = client_for("analyst").get(reverse("risk:validation"))
    assert b'data-testid="validation-bounds"' not in response.content


def test_the_validation_page_says_when_nothing_was_validated(client_for):
    response = client_for("analyst").get(reverse("risk:validation"))
    assert b"has not been validated yet" in response.content
    assert Validation.objects.count() == 0
