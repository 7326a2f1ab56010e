from django.contrib import admin

from safeguarding.risk.models import ScoringRun

# Assessments, indicator hits and overrides are about people: they are read on the tracker and
# the person page, through the need-to-know gate, never in the admin pages (docs/security.md).
admin.site.register([ScoringRun])
