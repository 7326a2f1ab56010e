import threading

import pytest
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(live_server):
    """The import worker, as `safeguarding worker` runs it, in a thread beside the live server."""
    worker = Worker(
        queue_names=["default"],
        excluded_queue_names=[],
        interval=0.2,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
    )

    def run() -> None:
        try:
            worker.run()
        finally:
            connection.close()

    thread = threading.Thread(target=run, name="test-worker")
    thread.start()
    yield
    worker.running = False
    thread.join()


def test_an_analyst_uploads_an_extract_and_sees_its_quality_report(page, cast, tmp_path, worker):
    extract = tmp_path / "police_nominals_2026-11.csv"
    extract.write_text(
        "NominalID,Surname,Forenames,DOB,Sex,EthnicityCode,Postcode,Aliases,PhoneNumber\n"
        "WP1,SMITH,Jayden,03/04/2009,M,W1,SN15 1AA,,\n"
        "WP2,JONES,Amelia,,F,W1,SN15 1AB,,\n"
        ",BROWN,Leah,05/06/2010,F,W1,SN15 1AC,,\n",
        encoding="utf-8",
    )
    sign_in(page, username="analyst", password=PASSWORD)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Imports").click()
    page.get_by_label("Which extract is it?").select_option("police-nominals")
    page.get_by_label("The file (CSV, XLSX or JSON)").set_input_files(str(extract))
    page.get_by_role("button", name="Import").click()
    # The batch page shows quarantined rows as the agency sent them: the purpose is asked.
    page.get_by_label("Analysis for the partnership").check()
    page.get_by_role("button", name="Continue").click()

    # The upload is queued; the page follows the worker and shows the report when it is done.
    assert page.get_by_role("heading", name="police_nominals_2026-11.csv").is_visible()
    page.get_by_test_id("quality-report").wait_for(timeout=20_000)
    summary = page.get_by_test_id("batch-summary").inner_text()
    assert "Rows read\n3" in summary.replace("\t", "\n")
    assert "Rows quarantined\n1" in summary.replace("\t", "\n")
    quality = page.get_by_test_id("quality-report")
    assert quality.get_by_role("row", name="DOB").inner_text().split()[1] == "67%"
    assert (
        "NominalID is blank, and it is required" in page.get_by_test_id("quarantine").inner_text()
    )
    page.screenshot(path=tmp_path / "batch.png", full_page=True)
