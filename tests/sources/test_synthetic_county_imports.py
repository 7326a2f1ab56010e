"""Every extract of the synthetic county imports through its shipped feed, and exactly the
planted bad rows are quarantined."""

from pathlib import Path

import pandas as pd
import pytest
from django.conf import settings
from django.core.management import call_command

from safeguarding.people.models import Event, SourceRecord
from safeguarding.sources.models import ImportBatch, QuarantinedRow
from safeguarding.synth.county import build_county
from safeguarding.synth.parameters import REFERENCE_END

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("county")
    build_county(out_dir=out, seed=11, scale="small", window_end=REFERENCE_END)
    return out


def test_the_whole_county_imports_and_only_planted_rows_are_quarantined(county, agencies):
    call_command("import", dir=county / "extracts", feeds=settings.FEEDS_DIR)
    truth = pd.read_csv(county / "truth" / "bad_rows.csv", keep_default_na=False)
    files = sorted({path.name for path in (county / "extracts").rglob("*") if path.is_file()})
    batches = {batch.file_name: batch for batch in ImportBatch.objects.all()}
    assert sorted(batches) == files
    for batch in batches.values():
        assert batch.status == "succeeded", batch.error
        assert batch.rows_read == batch.rows_imported + batch.rows_quarantined
    quarantined = {
        (q.import_batch.file_name, q.row_number): q
        for q in QuarantinedRow.objects.select_related("import_batch")
    }
    expected = truth[truth["expected"] == "quarantine"]
    assert set(quarantined) == {
        (Path(f).name, r) for f, r in zip(expected["file"], expected["row"], strict=True)
    }
    for file, row, column in zip(
        expected["file"], expected["row"], expected["column"], strict=True
    ):
        if column:
            assert column in quarantined[(Path(file).name, row)].column
    # Formula text is imported, stored as text.
    formulas = truth[truth["defect"] == "formula_text"]
    assert len(formulas) > 0
    records = SourceRecord.objects.filter(aliases__icontains="=HYPERLINK").count()
    events = Event.objects.filter(description__startswith="=HYPERLINK").count()
    assert records + events >= 1
    source_records = pd.read_csv(county / "truth" / "source_records.csv", keep_default_na=False)
    assert SourceRecord.objects.count() == source_records["source_record_id"].nunique()
