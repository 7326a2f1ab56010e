"""The network stage over a small synthetic county, imported and linked through the pipeline:
the graph is stored, its group leaders are adults of concern, no child is, and the tracker
reads the links to concerns with the events behind them."""

import pandas as pd
import pytest
from django.core.management import call_command

from safeguarding.network.models import Concern, ConcernKind, Edge, NetworkRun, Node, NodeKind
from safeguarding.people.models import Person, SourceRecord
from safeguarding.pipeline import Inputs, run_pipeline
from safeguarding.risk.models import IndicatorHit
from safeguarding.runs.models import StageRun

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def county(tmp_path, agencies):
    folder = tmp_path / "county"
    call_command(
        "synth",
        "--out",
        str(folder),
        "--seed",
        "11",
        "--scale",
        "small",
        "--end",
        "2026-10-31",
        verbosity=0,
    )
    run_pipeline(
        inputs=Inputs(
            extracts=folder / "extracts", score_dates=(pd.Timestamp("2026-10-31").date(),)
        ),
        started_by="the tests",
        stages=["import", "link", "network", "score"],
    )
    return folder


def true_people(folder) -> dict[str, int]:
    """The synthetic county's person id → our linked person, through the police records."""
    truth = pd.read_csv(folder / "truth" / "source_records.csv")
    ours = dict(SourceRecord.objects.values_list("source_record_id", "person_id"))
    truth["ours"] = truth["source_record_id"].map(ours)
    return (
        truth.dropna(subset=["ours"])
        .drop_duplicates("person_id")
        .set_index("person_id")["ours"]
        .astype(int)
        .to_dict()
    )


def test_the_network_stage_builds_and_stores_the_graph(county):
    stage = StageRun.objects.get(stage="network")
    run = NetworkRun.objects.get()
    assert stage.counts["nodes"] == run.nodes == Node.objects.filter(run=run).count()
    assert stage.counts["edges"] == run.edges == Edge.objects.filter(run=run).count() > 100
    # Every linked person is a node, whatever their age.
    assert Node.objects.filter(run=run, person__isnull=False).count() == Person.objects.count()
    # Every edge keeps its records.
    assert not Edge.objects.filter(run=run, evidence=[]).exists()

    # A second run with nothing new imported is skipped.
    again = run_pipeline(inputs=Inputs(), started_by="again", stages=["network"])
    assert again[0].status == "skipped"


def test_group_leaders_are_adults_of_concern_and_no_child_is(county):
    run = NetworkRun.objects.get()
    perpetrators = pd.read_csv(county / "truth" / "perpetrators.csv")
    leaders = set(perpetrators.loc[perpetrators["role"] == "group_leader", "person_id"])
    ours = true_people(county)
    listed = Concern.objects.filter(run=run, kind=ConcernKind.ADULT)
    nodes = dict(Node.objects.filter(run=run).values_list("index", "person_id"))
    kinds = dict(Node.objects.filter(run=run).values_list("index", "kind"))
    assert listed.exists()
    assert {kinds[c.node] for c in listed} == {NodeKind.ADULT}
    found = {nodes[c.node] for c in listed}
    assert found & {ours[p] for p in leaders if p in ours}
    # Children recorded as suspects stay children.
    suspects = Node.objects.filter(run=run, roles__has_key="suspect", kind=NodeKind.CHILD)
    assert not listed.filter(node__in=suspects.values("index")).exists()


def test_the_tracker_reads_links_to_concerns_with_their_events(county):
    hits = IndicatorHit.objects.filter(indicator_id="linked-to-network-concern")
    assert hits.exists()
    run = NetworkRun.objects.get()
    linked = {
        (item["person"], item["event"])
        for evidence in Concern.objects.filter(run=run).values_list("evidence", flat=True)
        for item in evidence
    }
    for hit in hits.select_related("assessment").prefetch_related("evidence"):
        person = hit.assessment.person_id
        events = [event.pk for event in hit.evidence.all()]
        assert events and all((person, event) in linked for event in events)
