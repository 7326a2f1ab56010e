"""The data-quality report of a batch, as the command line prints it."""

from safeguarding.sources.models import ImportBatch


def describe_batch(batch: ImportBatch, *, already_imported: bool = False) -> str:
    if already_imported:
        return (
            f"{batch.feed.name}: {batch.file_name} was already imported "
            f"(batch {batch.pk}); nothing changed."
        )
    report = batch.quality_report
    lines = [
        f"{batch.feed.name}: {batch.file_name} (batch {batch.pk})",
        f"  rows read {batch.rows_read}, imported {batch.rows_imported}, "
        f"quarantined {batch.rows_quarantined}; records new {batch.records_created}, "
        f"updated {batch.records_updated}; duplicate ids in file "
        f"{report.get('duplicate_ids_in_batch', 0)}",
        f"  {'column':<28}{'complete':>10}{'valid':>10}{'errors':>8}{'warnings':>10}",
    ]
    for name, figures in report.get("columns", {}).items():
        completeness = figures["completeness"]
        validity = figures["validity"]
        lines.append(
            f"  {name:<28}{'' if completeness is None else f'{completeness:.1%}':>10}"
            f"{'' if validity is None else f'{validity:.1%}':>10}{figures['errors']:>8}"
            f"{figures['warnings']:>10}"
        )
    return "\n".join(lines)
