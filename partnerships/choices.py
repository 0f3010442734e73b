from django.db import models


class PartnershipStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CHALLENGED = "challenged", "Challenged"


class ChallengeReason(models.TextChoices):
    ANOTHER_PROVIDER = "another_provider", "Another provider"
    NOT_CONFIRMED = "not_confirmed", "Not confirmed"
    DO_NOT_RECOGNISE = "do_not_recognise", "Do not recognise"
    NO_ECTS = "no_ects", "No ECTs"
    MISTAKE = "mistake", "Mistake"
