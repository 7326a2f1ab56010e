"""Partner organisations: staff register a taxi firm or a hotel group, with its sector, a
contact and the code it enters on the public form. Each view and change is audited."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.access.need_to_know import open_for
from safeguarding.concerns import queries
from safeguarding.concerns.forms import PartnerOrganisationForm
from safeguarding.concerns.indicators import indicator_lists
from safeguarding.concerns.models import PartnerOrganisation

VIEW = "concerns.view_partnerorganisation"
ADD = "concerns.add_partnerorganisation"
CHANGE = "concerns.change_partnerorganisation"


def _gate(request, permission: str):
    # A register of businesses, not of people: no purpose asked, every view still audited.
    return open_for(
        request, object_type=AuditObject.CONCERN, permission=permission, needs_purpose=False
    )


@require_http_methods(["GET", "HEAD", "POST"])
def organisations(request):
    lists = indicator_lists()
    form = PartnerOrganisationForm(request.POST or None, sectors=lists.sectors)
    if request.method == "POST":
        grant = _gate(request, ADD)
        if form.is_valid():
            organisation = form.save()
            grant.record(
                AuditAction.CHANGE,
                detail={"step": "add_organisation", "organisation": organisation.pk},
            )
            messages.success(request, f"{organisation.name} registered.")
            return redirect("concerns:organisations")
    else:
        _gate(request, VIEW).record(detail={"page": "organisations"})
    names = {s.id: s.name for s in lists.sectors}
    return render(
        request,
        "concerns/organisations.html",
        {
            "organisations": [
                (organisation, names.get(organisation.sector, organisation.sector))
                for organisation in queries.partner_organisations()
            ],
            "form": form,
            "may_add": request.user.has_perm(ADD),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def organisation(request, organisation_id: int):
    found = get_object_or_404(PartnerOrganisation, pk=organisation_id)
    form = PartnerOrganisationForm(
        request.POST or None, instance=found, sectors=indicator_lists().sectors
    )
    if request.method == "POST":
        grant = _gate(request, CHANGE)
        if form.is_valid():
            form.save()
            grant.record(
                AuditAction.CHANGE,
                detail={
                    "step": "change_organisation",
                    "organisation": found.pk,
                    "changed": form.changed_data,
                },
            )
            messages.success(request, f"{found.name} saved.")
            return redirect("concerns:organisations")
    else:
        _gate(request, VIEW).record(detail={"page": "organisation", "organisation": found.pk})
    return render(
        request,
        "concerns/organisation.html",
        {"organisation": found, "form": form, "may_change": request.user.has_perm(CHANGE)},
    )
