"""The single view as a PDF (WeasyPrint), from the same sections and rules as the page."""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.template.loader import render_to_string

from safeguarding.web.single_view import SingleView

PRINT_CSS = Path(__file__).with_name("print.css")


@dataclass(frozen=True)
class PrintedDocument:
    content: bytes
    pages: int


def person_pdf(
    *, view: SingleView, user, purpose: str, printed_at: datetime.datetime
) -> PrintedDocument:
    """A PDF marked OFFICIAL-SENSITIVE on every page, naming who printed it, when and why."""
    document = laid_out(view=view, user=user, purpose=purpose, printed_at=printed_at)
    return PrintedDocument(content=document.write_pdf(), pages=len(document.pages))


def laid_out(*, view: SingleView, user, purpose: str, printed_at: datetime.datetime):
    """The pages, laid out by WeasyPrint, before they are written as PDF."""
    # Imported here: WeasyPrint takes seconds to load Pango, which only printing needs.
    from weasyprint import CSS, HTML

    html = render_to_string(
        "people/person_print.html",
        {
            "view": view,
            "person": view.person,
            "print": True,
            "printed_by": user.get_full_name() or user.username,
            "printed_at": printed_at,
            "purpose": purpose,
        },
    )
    return HTML(string=html).render(stylesheets=[CSS(filename=str(PRINT_CSS))])
