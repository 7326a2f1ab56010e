import pytest

from safeguarding.people.models import SourceRecord
from safeguarding.sources.models import ImportBatch
from tests.browser.conftest import sign_in
from tests.browser.test_imports_page import worker
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["worker"]  # the import worker fixture, shared


def test_an_analyst_checks_an_extract_then_imports_it(page, cast, tmp_path, worker):
    extract = tmp_path / "police_nominals_2026-12.csv"
    extract.write_text(
        "NominalID,Surname,Forenames,DOB,Sex,EthnicityCode,Postcode,Aliases,PhoneNumber\n"
        "WP1,SMITH,Jayden,03/04/2009,M,W1,SN15 1AA,,\n"
        "WP2,JONES,Amelia,31/02/2010,F,W1,SN15 1AB,,\n"
        "WP3,BROWN,Leah,05/06/2010,F,W1,SN15 1AC,,\n",
        encoding="utf-8",
    )
    sign_in(page, username="analyst", password=PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Imports").click()
    page.get_by_label("Which extract is it?").select_option("police-nominals")
    page.get_by_label("The file (CSV, XLSX or JSON)").set_input_files(str(extract))
    page.get_by_role("button", name="Check this file").click()
    # The report quotes rows: the purpose is asked first, then the file is chosen again.
    page.get_by_label("Analysis for the partnership").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Which extract is it?").select_option("police-nominals")
    page.get_by_label("The file (CSV, XLSX or JSON)").set_input_files(str(extract))
    page.get_by_role("button", name="Check this file").click()

    summary = page.get_by_test_id("check-summary").inner_text().replace("\t", "\n")
    assert "Would import\n2" in summary and "Would quarantine\n1" in summary
    reasons = page.get_by_test_id("check-reasons").inner_text()
    assert "DOB '…' is not a real date in the form dd/mm/yyyy" in reasons
    assert "Row 2: NominalID=WP2" in reasons
    stored = page.get_by_test_id("check-records").inner_text()
    assert "Jayden" in stored and "2009-04-03" in stored
    assert not ImportBatch.objects.exists() and not SourceRecord.objects.exists()

    page.get_by_role("button", name="Import it").click()
    page.get_by_test_id("quality-report").wait_for(timeout=20_000)
    summary = page.get_by_test_id("batch-summary").inner_text().replace("\t", "\n")
    assert "Rows imported\n2" in summary and "Rows quarantined\n1" in summary
    assert sorted(SourceRecord.objects.values_list("source_record_id", flat=True)) == [
        "WP1",
        "WP3",
    ]
