"""Search's result rows, written as HTML here rather than in the template, as the tracker's are
(web/tracker_table.py): a common surname finds dozens of people, and the template's lookups,
filters and `{% url %}` for each row cost a third of the page's CPU. Every value is escaped by
`_` before it is placed."""

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe

from safeguarding.web.tracker_table import _

ROW = (
    '<tr class="govuk-table__row" data-testid="search-result">\n'
    '      <td class="govuk-table__cell"><a class="govuk-link" href="{href}">{name}</a><br>'
    '<span class="govuk-body-s">Hub id {person_id}</span></td>\n'
    '      <td class="govuk-table__cell">{born}{age}</td>\n'
    '      <td class="govuk-table__cell">{area}{school}</td>\n'
    '      <td class="govuk-table__cell govuk-body-s">{agencies}</td>\n'
    '      <td class="govuk-table__cell">{last_contact}</td>\n'
    '      <td class="govuk-table__cell govuk-body-s" data-testid="match-reason">{reasons}'
    "{closeness}</td>\n"
    "    </tr>\n"
)
NOTE = '<br><span class="govuk-body-s">{}</span>'


def result_rows(rows: list[dict]) -> SafeString:
    """The tbody's rows, from `web.search_views.describe_results`."""
    person_page = reverse("people:detail", args=[0]).removesuffix("0/")
    html = []
    for row in rows:
        person, result = row["person"], row["result"]
        last_contact = row["last_contact"]
        html.append(
            ROW.format(
                href=_(f"{person_page}{person.pk}/"),
                name=_(person.display_name or "(no name recorded)"),
                person_id=_(person.pk),
                born=_(
                    dateformat.format(person.date_of_birth, "j F Y")
                    if person.date_of_birth
                    else "Not known"
                ),
                age=NOTE.format(_(f"aged {row['age']}")) if row["age"] is not None else "",
                area=_(row["area"] or "Area not known"),
                school=NOTE.format(_(row["school"])) if row["school"] else "",
                agencies=_(", ".join(row["agencies"])),
                last_contact=_(
                    dateformat.format(timezone.localtime(last_contact), "j M Y")
                    if last_contact
                    else "None recorded"
                ),
                reasons=_(", ".join(result.reasons)),
                closeness=_(f" (closeness {floatformat(result.score, 0)}%)")
                if result.score < 100
                else "",
            )
        )
    # Safe: every value above went through `_` (Django's own escaping) before it was placed.
    return mark_safe("".join(html))  # noqa: S308
