from django.contrib import admin

from safeguarding.risk.models import IndicatorHit, Override, RiskAssessment

admin.site.register([RiskAssessment, IndicatorHit, Override])
