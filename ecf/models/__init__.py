from ecf.models.declarations import Declaration, SharedRecordDeclaration
from ecf.models.participants import Participant, ParticipantIdChange, TrainingRecord
from ecf.models.reference import Cohort, DeliveryPartner, LeadProvider
from ecf.models.schedules import Milestone, Schedule
from ecf.models.schools import School, SchoolCohort
from ecf.models.training import MentorAssignment, TrainingPeriod, TrainingStatusChange

__all__ = [
    "Cohort",
    "Declaration",
    "DeliveryPartner",
    "LeadProvider",
    "MentorAssignment",
    "Milestone",
    "Participant",
    "ParticipantIdChange",
    "Schedule",
    "School",
    "SchoolCohort",
    "SharedRecordDeclaration",
    "TrainingPeriod",
    "TrainingRecord",
    "TrainingStatusChange",
]
