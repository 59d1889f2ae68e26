from .audit import AuditLogEntry
from .base import BaseModel
from .pages import HomePage, OrganisationSettings, StandardPage
from .scheduler import PeriodicJobState
from .territories import Commune, CommunePostalCode, Department, Region
from .thesaurus import Concept

__all__ = [
    "AuditLogEntry",
    "BaseModel",
    "Commune",
    "CommunePostalCode",
    "Concept",
    "Department",
    "HomePage",
    "OrganisationSettings",
    "PeriodicJobState",
    "Region",
    "StandardPage",
]
