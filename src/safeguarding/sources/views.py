import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.access.need_to_know import open_for
from safeguarding.common.csv_export import write_csv
from safeguarding.sources import holding, queries
from safeguarding.sources.background import queue_upload, read_progress
from safeguarding.sources.checking import check_file
from safeguarding.sources.feeds import load_feeds
from safeguarding.sources.follow_up import follow_up
from safeguarding.sources.forms import UploadForm
from safeguarding.sources.importing import ImportFailed
from safeguarding.sources.models import ImportBatch, ImportStatus


def imports(request):
    """The list of batches holds no personal data (files, counts, who imported): no purpose."""
    if request.method == "POST":
        grant = open_for(
            request,
            object_type=AuditObject.IMPORT_BATCH,
            permission="sources.add_importbatch",
            needs_purpose=False,
        )
    else:
        grant = open_for(
            request,
            object_type=AuditObject.IMPORT_BATCH,
            permission="sources.view_importbatch",
            needs_purpose=False,
        )
    feeds = load_feeds(settings.FEEDS_DIR)
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        feed_names=[(name, feed.title) for name, feed in feeds.items()],
    )
    if request.method == "POST" and form.is_valid():
        return _import_upload(grant, feeds[form.cleaned_data["feed"]], form.cleaned_data["file"])
    return render(
        request, "sources/imports.html", {"form": form, "batches": queries.recent_batches()}
    )


def _import_upload(grant, feed, upload):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(upload.name).name
        with path.open("wb") as handle:
            for block in upload.chunks():
                handle.write(block)
        return _queue(grant, feed, path)


def _queue(grant, feed, path: Path):
    """Queue the file's import and follow it on its batch page."""
    request = grant.request
    try:
        result = queue_upload(feed=feed, path=path, user=request.user)
    except ImportFailed as failure:
        messages.error(request, f"{path.name} was not imported. {failure}")
        return redirect("sources:imports")
    if result.already_imported:
        messages.info(request, f"{path.name} was already imported; nothing changed.")
    else:
        grant.record(AuditAction.IMPORT, object_id=result.batch.pk, detail={"feed": feed.name})
    return redirect("sources:batch", batch_id=result.batch.pk)


def check_upload(request):
    """Check an extract against its feed before importing it, then "Import it": the very file
    checked. The report quotes rows as the agency sent them, so a purpose is asked."""
    grant = open_for(
        request, object_type=AuditObject.IMPORT_BATCH, permission="sources.add_importbatch"
    )
    feeds = load_feeds(settings.FEEDS_DIR)
    if request.method == "POST" and "import" in request.POST:
        found = holding.held(token=request.POST["import"], session=request.session)
        if found is None or found[0] not in feeds:
            messages.error(request, "The checked file is no longer held: choose it again.")
            return redirect("sources:check")
        feed_name, path = found
        try:
            return _queue(grant, feeds[feed_name], path)
        finally:
            holding.release(session=request.session)
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        feed_names=[(name, feed.title) for name, feed in feeds.items()],
    )
    report = None
    if request.method == "POST" and form.is_valid():
        feed = feeds[form.cleaned_data["feed"]]
        path = holding.hold(
            upload=form.cleaned_data["file"], feed_name=feed.name, session=request.session
        )
        report = check_file(feed=feed, path=path, user=request.user)
        grant.record(detail={"feed": feed.name, "checked_rows": report.rows_read})
    return render(
        request,
        "sources/check.html",
        {
            "form": form,
            "report": report,
            "held": (request.session.get(holding.SESSION_KEY) or {}).get("token", ""),
        },
    )


@require_safe
def batch_detail(request, batch_id: int):
    """The quality report and the quarantined rows as read: personal data."""
    batch = get_object_or_404(ImportBatch.objects.select_related("feed__agency"), pk=batch_id)
    grant = open_for(
        request,
        object_type=AuditObject.IMPORT_BATCH,
        object_id=batch.pk,
        permission="sources.view_quarantinedrow",
    )
    grant.record()
    header, rows = queries.quarantine_table(batch=batch)
    in_progress = batch.status in {ImportStatus.QUEUED, ImportStatus.RUNNING}
    linked_and_scored = follow_up(batch=batch)
    return render(
        request,
        "sources/batch.html",
        {
            "batch": batch,
            "report": batch.quality_report,
            "quarantine_header": header,
            "quarantine_rows": rows[:200],
            "in_progress": in_progress,
            "progress": read_progress(batch.pk),
            "follow_up": linked_and_scored,
            # An upload links and scores after its import: the page follows that too.
            "waiting": in_progress
            or bool(batch.imported_by_id and linked_and_scored and linked_and_scored.waiting),
        },
    )


@require_safe
def quarantine_download(request, batch_id: int):
    """The batch page's quarantine table as CSV (the page shows its first 200 rows)."""
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    grant = open_for(
        request,
        object_type=AuditObject.QUARANTINE,
        object_id=batch.pk,
        permission="sources.view_quarantinedrow",
    )
    header, rows = queries.quarantine_table(batch=batch)
    grant.record(AuditAction.EXPORT, detail={"rows": len(rows)})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="quarantine-batch-{batch.pk}.csv"'
    write_csv(response, header=header, rows=rows)
    return response


@require_safe
def feed_register(request):
    """The register of feeds for managers and the data protection officer's auditors: what we
    hold, why, under which agreement and for how long. Counts, not people: no purpose asked."""
    grant = open_for(
        request,
        object_type=AuditObject.FEED_REGISTER,
        permission="sources.view_feed_register",
        needs_purpose=False,
    )
    entries = queries.feed_register(
        feeds=load_feeds(settings.FEEDS_DIR), today=timezone.localdate()
    )
    grant.record(detail={"feeds": len(entries)})
    return render(
        request,
        "sources/register.html",
        {"entries": entries, "overdue": sum(entry.review_overdue for entry in entries)},
    )
