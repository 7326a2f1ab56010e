from django.contrib import admin

from safeguarding.risk.models import RiskAssessment, IndicatorHit, Override

admin.site.register([RiskAssessment, IndicatorHit, Override])
