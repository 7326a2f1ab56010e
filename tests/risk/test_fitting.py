"""Fitted weights are written in the catalogue's own format, and say so (risk/fitting.py)."""

import datetime

from django.conf import settings

from safeguarding.risk.catalogue import load_catalogue, parse_catalogue
from safeguarding.risk.fitting import FittedWeights, fitted_catalogue_text, split_dates


def test_fitted_weights_replace_the_expert_ones_and_keep_every_source():
    expert = load_catalogue()
    ids = [i.id for i in expert.indicators]
    fitted = FittedWeights(
        weights={item: 0.05 if n % 2 else 2.5 for n, item in enumerate(ids)},
        coefficients={item: -0.1 if n % 2 else 0.8 for n, item in enumerate(ids)},
        train_dates=(datetime.date(2024, 1, 1), datetime.date(2024, 6, 1)),
        test_dates=(datetime.date(2025, 1, 1), datetime.date(2025, 6, 1)),
        cases=1000,
        positives=30,
        test_auc=0.8,
        expert_test_auc=0.75,
    )
    text = fitted_catalogue_text(
        settings.INDICATOR_CATALOGUE.read_text(encoding="utf-8"), fitted, expert
    )
    catalogue = parse_catalogue(text, name="fitted")
    assert catalogue.weighting == "fitted" and catalogue.version == f"{expert.version}-fit"
    assert "Logistic regression (expert score plus a correction per item) on 1,000" in (
        catalogue.weighting_note
    )
    assert [i.weight for i in catalogue.indicators] == [fitted.weights[i] for i in ids]
    assert [i.source for i in catalogue.indicators] == [i.source for i in expert.indicators]
    assert f"# expert weight {expert.indicators[0].weight:g}; fitted coefficient +0.800" in text


def test_the_time_split_keeps_training_labels_before_the_test_dates():
    grid = [datetime.date(2024, 1, 1) + datetime.timedelta(days=28 * k) for k in range(30)]
    train, test = split_dates(grid, train_until=datetime.date(2025, 1, 1), horizon_days=180)
    assert max(train) + datetime.timedelta(days=180) <= datetime.date(2025, 1, 1)
    assert min(test) >= datetime.date(2025, 1, 1)
