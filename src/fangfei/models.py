"""Imports every model module so that the metadata knows all tables (for Alembic and tests)."""

from fangfei.activities import models as activity_models
from fangfei.audit import models as audit_models
from fangfei.auth import models as auth_models
from fangfei.cases import models as case_models
from fangfei.entities import models as entity_models
from fangfei.leads import models as lead_models
from fangfei.monitoring import models as monitoring_models
from fangfei.reference import models as reference_models
from fangfei.refunds import models as refund_models
from fangfei.reports import models as report_models
from fangfei.screening import models as screening_models
from fangfei.workdays import models as workday_models

__all__ = [
    "activity_models",
    "audit_models",
    "auth_models",
    "case_models",
    "entity_models",
    "lead_models",
    "monitoring_models",
    "reference_models",
    "refund_models",
    "report_models",
    "screening_models",
    "workday_models",
]
