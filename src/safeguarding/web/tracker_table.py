"""The tracker's table rows and its filters' choices, written as HTML here rather than in the
template: Django's template language took more than half of the page's CPU for 50 rows of ten
cells (each variable a lookup through the context, each if a node), as the timeline's rows do
(people/timeline.py). Every value goes through format_html, which escapes it."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

EARLIER = ' <span class="app-muted">(3 to 6 months ago)</span>'
ROW = (
    '<tr class="govuk-table__row" data-person="{person_id}">\n'
    '      <td class="govuk-table__cell"><a class="govuk-link" href="{href}">{name}</a><br>'
    '<span class="govuk-body-s">Hub id {person_id}</span>\n'
    "        {set_level}</td>\n"
    '      <td class="govuk-table__cell"><strong class="govuk-tag {level_tag}">{level_label}'
    "</strong>{level_note}</td>\n"
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{score_text}</td>\n'
    '      <td class="govuk-table__cell">{trend}{previous}</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{age}</td>\n'
    '      <td class="govuk-table__cell">{area}{school}</td>\n'
    '      <td class="govuk-table__cell govuk-body-s">{known_to}</td>\n'
    '      <td class="govuk-table__cell govuk-table__cell--numeric">{open_actions}</td>\n'
    '      <td class="govuk-table__cell govuk-body-s app-tracker__indicators">\n'
    '        <ul class="govuk-list govuk-body-s app-list--tight" data-testid="top-indicators">'
    "{top}</ul>\n"
    "        {more}\n"
    "      </td>\n"
    "    </tr>\n"
)
SET_LEVEL = (
    '<br><a class="govuk-link govuk-body-s" href="{}" data-testid="set-level">Set level'
    '<span class="govuk-visually-hidden"> for {}</span></a>'
)
MORE = (
    '<details class="govuk-details app-details--compact" data-testid="more-indicators">\n'
    '          <summary class="govuk-details__summary"><span class="govuk-details__summary-text">'
    '{summary}<span class="govuk-visually-hidden"> for {who}</span></span></summary>\n'
    '          <div class="govuk-details__text">\n'
    "            {listed}\n"
    "            {vulnerabilities}\n"
    '            <a class="govuk-link govuk-body-s" href="{href}#risk">'
    "The evidence behind each</a>\n"
    "          </div>\n"
    "        </details>"
)
NOTE = '<br><span class="govuk-body-s">{}</span>'
EMPTY = (
    '<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="9">'
    "No young person matches these filters.</td></tr>"
)


def _indicator_items(indicators: list[dict]) -> SafeString:
    return format_html_join(
        "",
        "<li>{}{}</li>",
        ((i["label"], "" if i["current"] else mark_safe(EARLIER)) for i in indicators),  # noqa: S308
    )


def _more(row: dict, who: str) -> SafeString:
    more, unshared, vulnerabilities = (
        row["more_indicators"],
        row["unshared_indicators"],
        row["vulnerabilities"],
    )
    if not (more or unshared or vulnerabilities):
        return SafeString("")
    summary = ""
    if more:
        summary = f"and {len(more)} more" + (", " if vulnerabilities else "")
    if vulnerabilities:
        count = len(vulnerabilities)
        summary += f"{count} vulnerabilit{'y' if count == 1 else 'ies'}"
    if not more and not vulnerabilities:
        summary = "Not shared with you"
    listed = SafeString("")
    if more or unshared:
        unshared_item = (
            format_html(
                '<li class="app-muted">and {} from records not shared with your organisation</li>',
                unshared,
            )
            if unshared
            else ""
        )
        listed = format_html(
            '<ul class="govuk-list govuk-body-s app-list--tight">{}{}</ul>',
            _indicator_items(more),
            unshared_item,
        )
    shown = SafeString("")
    if vulnerabilities:
        shown = format_html(
            '<p class="govuk-body-s govuk-!-margin-bottom-1 app-muted" '
            'data-testid="vulnerabilities">Vulnerabilities: {}</p>',
            "; ".join(str(item["label"]).lower() for item in vulnerabilities),
        )
    return format_html(
        MORE, summary=summary, who=who, listed=listed, vulnerabilities=shown, href=row["href"]
    )


def table_rows(rows: list[dict], *, may_set_level: bool) -> SafeString:
    """The tbody's rows, from `risk.queries.tracker_rows` (with the page's links and open
    actions added by the view)."""
    if not rows:
        return mark_safe(EMPTY)  # noqa: S308
    html = []
    for row in rows:
        who = row["name"] or row["person_id"]
        html.append(
            format_html(
                ROW,
                person_id=row["person_id"],
                href=row["href"],
                name=row["name"] or "Name not recorded",
                set_level=format_html(SET_LEVEL, row["set_level_href"], who)
                if may_set_level
                else "",
                level_tag=row["level_tag"],
                level_label=row["level_label"],
                level_note=format_html(NOTE, row["level_note"]) if row["level_note"] else "",
                score_text=row["score_text"],
                trend=row["trend"],
                previous=format_html(NOTE, f"was {row['previous_score']}")
                if row["previous_score"] is not None
                else "",
                age=row["age"],
                area=row["area"] or "Area not known",
                school=format_html(NOTE, row["school"]) if row["school"] else "",
                known_to=row["known_to"],
                open_actions=row["open_actions"],
                top=_indicator_items(row["top_indicators"]),
                more=_more(row, who=str(who)),
            )
        )
    return mark_safe("".join(html))  # noqa: S308  (each part built by format_html)


def options(choices, *, selected) -> SafeString:
    """`<option>`s for a filter's choices (value, label), the one in force selected."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in choices),
    )
