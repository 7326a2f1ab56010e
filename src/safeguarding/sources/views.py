import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from safeguarding.access import audit
from safeguarding.access.models import AuditAction
from safeguarding.common.csv_export import write_csv
from safeguarding.sources import queries
from safeguarding.sources.background import queue_upload, read_progress
from safeguarding.sources.feeds import load_feeds
from safeguarding.sources.forms import UploadForm
from safeguarding.sources.importing import ImportFailed
from safeguarding.sources.models import ImportBatch, ImportStatus


@permission_required("sources.view_importbatch", raise_exception=True)
def imports(request):
    feeds = load_feeds(settings.FEEDS_DIR)
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        feed_names=[(name, feed.title) for name, feed in feeds.items()],
    )
    if request.method == "POST":
        if not request.user.has_perm("sources.add_importbatch"):
            return HttpResponse("You may not import files.", status=403)
        if form.is_valid():
            return _import_upload(
                request, feeds[form.cleaned_data["feed"]], form.cleaned_data["file"]
            )
    return render(
        request, "sources/imports.html", {"form": form, "batches": queries.recent_batches()}
    )


def _import_upload(request, feed, upload):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(upload.name).name
        with path.open("wb") as handle:
            for block in upload.chunks():
                handle.write(block)
        try:
            result = queue_upload(feed=feed, path=path, user=request.user)
        except ImportFailed as failure:
            messages.error(request, f"{upload.name} was not imported. {failure}")
            return redirect("sources:imports")
    if result.already_imported:
        messages.info(request, f"{upload.name} was already imported; nothing changed.")
    else:
        audit.record(
            action=AuditAction.IMPORT,
            request=request,
            object_type="import_batch",
            object_id=result.batch.pk,
            detail={"feed": feed.name},
        )
    return redirect("sources:batch", batch_id=result.batch.pk)


@permission_required("sources.view_importbatch", raise_exception=True)
def batch_detail(request, batch_id: int):
    batch = get_object_or_404(ImportBatch.objects.select_related("feed__agency"), pk=batch_id)
    audit.record(
        action=AuditAction.VIEW, request=request, object_type="import_batch", object_id=batch.pk
    )
    header, rows = queries.quarantine_table(batch=batch)
    return render(
        request,
        "sources/batch.html",
        {
            "batch": batch,
            "report": batch.quality_report,
            "quarantine_header": header,
            "quarantine_rows": rows[:200],
            "in_progress": batch.status in {ImportStatus.QUEUED, ImportStatus.RUNNING},
            "progress": read_progress(batch.pk),
        },
    )


@permission_required("sources.view_quarantinedrow", raise_exception=True)
def quarantine_download(request, batch_id: int):
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    header, rows = queries.quarantine_table(batch=batch)
    audit.record(
        action=AuditAction.EXPORT,
        request=request,
        object_type="quarantine",
        object_id=batch.pk,
        detail={"rows": len(rows)},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="quarantine-batch-{batch.pk}.csv"'
    write_csv(response, header=header, rows=rows)
    return response
