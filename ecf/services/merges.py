"""Support staff merge a duplicate participant into the one to keep (back office §1.2 #10).

Everything the duplicate owns moves to `keep`: its training records (with their periods, mentor
assignments and provider actions, which hang off the records), its declarations, the declarations that
name it as the ECT's mentor, and its earlier participant id changes. A new `ParticipantIdChange` records
the retired id, so a provider asking `filter[from_participant_id]=<duplicate id>` finds the kept person.
`keep` takes the duplicate's TRN when it has none. The duplicate is then deleted.

A person has at most one training record per role: when both participants have a record of the same
role the merge is refused (support must first decide which record is right). Nothing is written on a
refusal: the whole merge is one transaction holding both participants' row locks (taken in primary key
order, so two merges of the same pair cannot deadlock).
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from ecf.audit import set_change_reason
from ecf.choices import ParticipantType
from ecf.models import Declaration, Participant, ParticipantIdChange, TrainingRecord

SAME_PARTICIPANT = "A participant cannot be merged with itself."
REASON_NEEDED = "Say why the participants are merged: the reason is kept in their history."
PARTICIPANT_GONE = "The participant no longer exists (merged or deleted meanwhile)."
SAME_ROLE = {
    ParticipantType.ECT: "Both participants have an ECT training record: decide which is right before merging.",
    ParticipantType.MENTOR: "Both participants have a mentor training record: decide which is right before merging.",
}


@transaction.atomic
def participant_merge(*, keep: Participant, duplicate: Participant, reason: str, merged_by: str) -> Participant:
    """Merge `duplicate` into `keep` and delete it; returns `keep` as saved. Raises ValidationError when
    the two are the same participant, no reason is given, either no longer exists, or both train in the
    same role."""
    if keep.pk == duplicate.pk:
        raise ValidationError({"duplicate": [SAME_PARTICIPANT]})
    if not reason.strip():
        raise ValidationError({"reason": [REASON_NEEDED]})
    locked = {
        p.pk: p for p in Participant.objects.select_for_update().filter(pk__in=[keep.pk, duplicate.pk]).order_by("pk")
    }
    if keep.pk not in locked or duplicate.pk not in locked:
        raise ValidationError(PARTICIPANT_GONE)
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]

    kept_roles = set(keep.training_records.values_list("participant_type", flat=True))
    records = list(TrainingRecord.objects.select_for_update().filter(participant=duplicate).order_by("pk"))
    moving_roles = {record.participant_type for record in records}
    clashes = [SAME_ROLE[role] for role in ParticipantType if role in kept_roles & moving_roles]
    if clashes:
        raise ValidationError(clashes)

    history_reason = f"merged {duplicate.pk} by {merged_by}: {reason.strip()}"
    for record in records:
        record.participant = keep
        set_change_reason(record, history_reason)
        record.save()
    for declaration in Declaration.objects.select_for_update().filter(participant=duplicate).order_by("pk"):
        declaration.participant = keep
        set_change_reason(declaration, history_reason)
        declaration.save()
    for declaration in Declaration.objects.select_for_update().filter(mentor=duplicate).order_by("pk"):
        declaration.mentor = keep
        set_change_reason(declaration, history_reason)
        declaration.save()
    for change in ParticipantIdChange.objects.select_for_update().filter(participant=duplicate).order_by("pk"):
        change.participant = keep
        set_change_reason(change, history_reason)
        change.save()
    id_change = ParticipantIdChange(participant=keep, from_participant_id=duplicate.pk, to_participant_id=keep.pk)
    set_change_reason(id_change, history_reason)
    id_change.save()

    if not keep.trn and duplicate.trn:
        keep.trn, keep.trn_validated = duplicate.trn, duplicate.trn_validated
    set_change_reason(duplicate, history_reason)
    duplicate.delete()
    set_change_reason(keep, history_reason)
    keep.save()
    return keep
