"""The tracker's table rows and its filters' choices, written as HTML here rather than in the
template: Django's template language took more than half of the page's CPU for 50 rows of ten
cells (each variable a lookup through the context, each if a node), as the timeline's rows are
(people/timeline.py). Plain str.format rather than format_html: a third of the time, with every
value escaped by `_` (html.escape, which Django's own escape calls) before it is placed."""

import functools
import html

from django.utils.safestring import SafeString, mark_safe


def _(value) -> str:
    return html.escape(str(value))


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


def _indicator_items(indicators: list[dict]) -> str:
    return "".join(f"<li>{_(i['label'])}{'' if i['current'] else EARLIER}</li>" for i in indicators)


def _more(row: dict, who: str) -> str:
    more, unshared, vulnerabilities = (
        row["more_indicators"],
        row["unshared_indicators"],
        row["vulnerabilities"],
    )
    if not (more or unshared or vulnerabilities):
        return ""
    summary = ""
    if more:
        summary = f"and {len(more)} more" + (", " if vulnerabilities else "")
    if vulnerabilities:
        count = len(vulnerabilities)
        summary += f"{count} vulnerabilit{'y' if count == 1 else 'ies'}"
    if not more and not vulnerabilities:
        summary = "Not shared with you"
    listed = ""
    if more or unshared:
        unshared_item = (
            '<li class="app-muted">'
            f"and {unshared} from records not shared with your organisation</li>"
            if unshared
            else ""
        )
        listed = (
            '<ul class="govuk-list govuk-body-s app-list--tight">'
            f"{_indicator_items(more)}{unshared_item}</ul>"
        )
    shown = ""
    if vulnerabilities:
        labels = "; ".join(str(item["label"]).lower() for item in vulnerabilities)
        shown = (
            '<p class="govuk-body-s govuk-!-margin-bottom-1 app-muted" '
            f'data-testid="vulnerabilities">Vulnerabilities: {_(labels)}</p>'
        )
    return MORE.format(
        summary=_(summary), who=_(who), listed=listed, vulnerabilities=shown, href=_(row["href"])
    )


def table_rows(rows: list[dict], *, may_set_level: bool) -> SafeString:
    """The tbody's rows, from `risk.queries.tracker_rows` (with the page's links and open
    actions added by the view)."""
    if not rows:
        return mark_safe(EMPTY)  # noqa: S308
    html = []
    for row in rows:
        who = _(row["name"] or row["person_id"])
        html.append(
            ROW.format(
                person_id=_(row["person_id"]),
                href=_(row["href"]),
                name=_(row["name"] or "Name not recorded"),
                set_level=SET_LEVEL.format(_(row["set_level_href"]), who) if may_set_level else "",
                level_tag=_(row["level_tag"]),
                level_label=_(row["level_label"]),
                level_note=NOTE.format(_(row["level_note"])) if row["level_note"] else "",
                score_text=_(row["score_text"]),
                trend=_(row["trend"]),
                previous=NOTE.format(_(f"was {row['previous_score']}"))
                if row["previous_score"] is not None
                else "",
                age=_(row["age"]),
                area=_(row["area"] or "Area not known"),
                school=NOTE.format(_(row["school"])) if row["school"] else "",
                known_to=_(row["known_to"]),
                open_actions=_(row["open_actions"]),
                top=_indicator_items(row["top_indicators"]),
                more=_more(row, who=row["name"] or str(row["person_id"])),
            )
        )
    # Safe: every value above went through `_` (Django's own escaping) before it was placed.
    return mark_safe("".join(html))  # noqa: S308


def options(choices, *, selected) -> SafeString:
    """`<option>`s for a filter's choices (value, label), the one in force selected."""
    return mark_safe(  # noqa: S308 (each part escaped by `_escaped_options`)
        "".join(
            f"{start}{' selected' if value == selected else ''}{end}"
            for value, start, end in _escaped_options(tuple(choices))
        )
    )


@functools.lru_cache(maxsize=8)
def _escaped_options(choices: tuple) -> tuple[tuple[str, str, str], ...]:
    """Each choice's option escaped once: the areas and schools (hundreds) are the same for
    every request of a scoring run, and escaping them was a tenth of the tracker's CPU."""
    return tuple(
        (value, f'<option value="{_(value)}"', f">{_(label)}</option>") for value, label in choices
    )
