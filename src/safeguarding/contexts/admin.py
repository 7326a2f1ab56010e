from django.contrib import admin

from safeguarding.contexts.models import Context, ContextMember, ContextAssessment, ContextPlan

admin.site.register([Context, ContextMember, ContextAssessment, ContextPlan])
