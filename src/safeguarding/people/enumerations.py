"""The enumerations of the domain model, documented in docs/data-model.md."""

from django.db import models


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    UNKNOWN = "unknown", "Not known"


class EventType(models.TextChoices):
    INCIDENT = "incident", "Police incident or occurrence"
    ARREST = "arrest", "Arrest"
    STOP_AND_SEARCH = "stop_and_search", "Stop and search"
    INTELLIGENCE = "intelligence", "Intelligence report"
    MISSING_EPISODE = "missing_episode", "Missing episode"
    RETURN_INTERVIEW = "return_interview", "Return home interview"
    REFERRAL = "referral", "Referral to children's social care"
    ASSESSMENT = "assessment", "Social care assessment"
    CP_PLAN = "cp_plan", "Child protection plan"
    LOOKED_AFTER_EPISODE = "looked_after_episode", "Looked-after episode"
    EXCLUSION = "exclusion", "School exclusion or suspension"
    ATTENDANCE = "attendance", "School attendance"
    ED_ATTENDANCE = "ed_attendance", "Emergency department attendance"
    SEXUAL_HEALTH_ATTENDANCE = "sexual_health_attendance", "Sexual health attendance"
    YOUTH_JUSTICE_OUTCOME = "youth_justice_outcome", "Youth justice outcome"
    NRM_REFERRAL = "nrm_referral", "National Referral Mechanism referral"
    CONCERN_REPORT = "concern_report", "Concern reported by a partner"
    FINDING = "finding", "Something found (e.g. cash, phones or drugs in a search)"


class InvolvementRole(models.TextChoices):
    SUBJECT = "subject", "Subject"
    VICTIM = "victim", "Victim"
    SUSPECT = "suspect", "Suspect"
    WITNESS = "witness", "Witness"
    MISSING_PERSON = "missing_person", "Missing person"
    FOUND_WITH = "found_with", "Found in company of"
    REPORTER = "reporter", "Reporter"


class MissingKind(models.TextChoices):
    MISSING = "missing", "Missing"
    ABSENT = "absent", "Absent"
    AWAY_FROM_PLACEMENT = "away_from_placement", "Away from placement without authorisation"


class MissingRiskGrade(models.TextChoices):
    NO_APPARENT_RISK = "no_apparent_risk", "No apparent risk"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class CinFactor(models.TextChoices):
    """Factors identified at the end of a children's social care assessment (DfE CIN census)."""

    ALCOHOL_CHILD = "1A", "Alcohol misuse: concerns about the child"
    ALCOHOL_PARENT = "1B", "Alcohol misuse: concerns about the parent or carer"
    ALCOHOL_OTHER = "1C", "Alcohol misuse: concerns about another person in the household"
    DRUGS_CHILD = "2A", "Drug misuse: concerns about the child"
    DRUGS_PARENT = "2B", "Drug misuse: concerns about the parent or carer"
    DRUGS_OTHER = "2C", "Drug misuse: concerns about another person in the household"
    DOMESTIC_ABUSE_CHILD = "3A", "Domestic abuse: concerns about the child as a subject"
    DOMESTIC_ABUSE_PARENT = "3B", "Domestic abuse: concerns about the parent or carer"
    DOMESTIC_ABUSE_OTHER = "3C", "Domestic abuse: concerns about another person in the household"
    MENTAL_HEALTH_CHILD = "4A", "Mental health: concerns about the child"
    MENTAL_HEALTH_PARENT = "4B", "Mental health: concerns about the parent or carer"
    MENTAL_HEALTH_OTHER = "4C", "Mental health: concerns about another person in the household"
    LEARNING_DISABILITY_CHILD = "5A", "Learning disability: concerns about the child"
    LEARNING_DISABILITY_PARENT = "5B", "Learning disability: concerns about the parent or carer"
    LEARNING_DISABILITY_OTHER = "5C", "Learning disability: concerns about another person"
    PHYSICAL_DISABILITY_CHILD = "6A", "Physical disability or illness: the child"
    PHYSICAL_DISABILITY_PARENT = "6B", "Physical disability or illness: the parent or carer"
    PHYSICAL_DISABILITY_OTHER = "6C", "Physical disability or illness: another person"
    YOUNG_CARER = "7A", "Young carer"
    PRIVATE_FOSTERING = "8B", "Private fostering: overseas child who intends to return"
    PRIVATE_FOSTERING_STAYING = "8C", "Private fostering: overseas child who intends to stay"
    PRIVATE_FOSTERING_EDUCATION = "8D", "Private fostering: UK child in an educational placement"
    PRIVATE_FOSTERING_FAMILY = (
        "8E",
        "Private fostering: UK child in an alternative family arrangement",
    )
    PRIVATE_FOSTERING_OTHER = "8F", "Private fostering: other"
    UASC = "9A", "Unaccompanied asylum-seeking child"
    MISSING = "10A", "Child going or being missing"
    CSE = "11A", "Child sexual exploitation"
    TRAFFICKING = "12A", "Trafficking"
    GANGS = "13A", "Gangs"
    SOCIALLY_UNACCEPTABLE_BEHAVIOUR = "14A", "Socially unacceptable behaviour"
    SELF_HARM = "15A", "Self-harm"
    NEGLECT = "16A", "Neglect"
    EMOTIONAL_ABUSE = "17A", "Emotional abuse"
    PHYSICAL_ABUSE = "18A", "Physical abuse"
    PHYSICAL_ABUSE_BY_CHILD = "18B", "Physical abuse by another child"
    PHYSICAL_ABUSE_BY_ADULT = "18C", "Physical abuse by an adult"
    SEXUAL_ABUSE = "19A", "Sexual abuse"
    SEXUAL_ABUSE_BY_CHILD = "19B", "Sexual abuse by another child"
    SEXUAL_ABUSE_BY_ADULT = "19C", "Sexual abuse by an adult"
    OTHER = "20", "Other"
    NO_FACTORS = "21", "No factors identified"
    FGM = "22A", "Female genital mutilation"
    FAITH_ABUSE = "23A", "Abuse linked to faith or belief"
    CCE = "24A", "Child criminal exploitation"


class IdentifierKind(models.TextChoices):
    NHS_NUMBER = "nhs_number", "NHS number"
    UPN = "upn", "Unique pupil number"
    POLICE_NOMINAL_ID = "police_nominal_id", "Police nominal id"
    SOCIAL_CARE_ID = "social_care_id", "Social care id"
    YOUTH_JUSTICE_ID = "youth_justice_id", "Youth justice id"
    PNC_ID = "pnc_id", "Police National Computer id"
    NATIONAL_INSURANCE_NUMBER = "national_insurance_number", "National Insurance number"
    SOCIAL_SECURITY_NUMBER = "social_security_number", "Social security number (outside the UK)"
    UNIQUE_LEARNER_NUMBER = "unique_learner_number", "Unique learner number"
    FORMER_UPN = "former_upn", "Former unique pupil number"
    LOCAL_PATIENT_ID = "local_patient_id", "Local patient (hospital) number"
    PASSPORT_NUMBER = "passport_number", "Passport number"
    DRIVING_LICENCE_NUMBER = "driving_licence_number", "Driving licence number"
    HOME_OFFICE_REFERENCE = "home_office_reference", "Home Office reference"
    OTHER = "other", "Other"


class ObjectKind(models.TextChoices):
    PHONE = "phone", "Phone number"
    VEHICLE = "vehicle", "Vehicle"
    SOCIAL_MEDIA_HANDLE = "social_media_handle", "Social media handle"
    WEAPON = "weapon", "Weapon"
    OTHER = "other", "Other"


class RelationshipKind(models.TextChoices):
    """How one person is related to another, read as "FROM is the KIND of TO"."""

    PARENT = "parent", "Parent of"
    SIBLING = "sibling", "Sibling of"
    CARER = "carer", "Carer of"
    PARTNER = "partner", "Partner of"
    KNOWS = "knows", "Knows"
    ASSOCIATE = "associate", "Associate of"


class ContactKind(models.TextChoices):
    """How two objects were in contact: a call or message between phones, a vehicle or phone
    used by both."""

    CALL = "call", "Call"
    MESSAGE = "message", "Message"
    SHARED_USE = "shared_use", "Used by both"


class LocationKind(models.TextChoices):
    ADDRESS = "address", "Address"
    PLACE = "place", "Place"
