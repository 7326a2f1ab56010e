from django.contrib import admin

from safeguarding.risk.models import IndicatorHit, Override, RiskAssessment, ScoringRun

admin.site.register([ScoringRun, RiskAssessment, IndicatorHit, Override])
