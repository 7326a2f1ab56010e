"""Batch work (imports, linking, scoring, the task worker that runs them) yields the processor
to the pages.

On a small server the batch stages and the web server share a few cores. Measured on 2 cores,
an import and a link run at full priority beside 50 users made every page wait its turn for the
processor (docs/operator-guide.md, Load). A batch stage run at a lower priority (a higher
niceness: Linux gives it less of the processor only while something else wants it) leaves the
pages first in line and costs the batch little on an idle machine. The database server's own
work for the batch is not lowered: it runs in the database's processes.
"""

import logging
import os

from django.conf import settings

logger = logging.getLogger(__name__)


def run_as_batch() -> int:
    """Lower this process's CPU priority to SAFEGUARDING_BATCH_NICENESS (never raise it: an
    operator who started the command nicer keeps that); return the niceness it now runs at."""
    wanted = settings.SAFEGUARDING_BATCH_NICENESS
    current = os.nice(0)
    if wanted > current:
        current = os.nice(wanted - current)
        logger.info("Running at niceness %s (SAFEGUARDING_BATCH_NICENESS): pages first", current)
    return current
