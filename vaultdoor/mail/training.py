"""Training assignments: who clicked (or submitted) in a campaign is asked to take a short
module, reads it in the self-service portal and marks it complete. Each assignment and each
completion is audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from vaultdoor.audit import record

from .choices import AssignTrainingChoices, TrainingReasonChoices
from .models import Campaign, CampaignTarget, TrainingAssignment, TrainingModule

__all__ = ["BUILTIN_CODE", "DUE_DAYS", "TrainingError", "assign_for", "assign_results",
           "builtin_module", "complete", "paragraphs"]

DUE_DAYS = 14
BUILTIN_CODE = "phishing-basics"
BUILTIN = {
    "title": "Spotting phishing: the basics",
    "summary": "How to recognise a phishing message, and what to do with one.",
    "minutes": 5,
    "body": """\
Phishing messages pretend to come from someone you trust (a colleague, a supplier, IT, a bank)
so that you click a link, open an attachment or type your password or customer data into a
page that looks familiar.

Before you click, look at who really sent the message. The display name can say anything: the
address behind it is what counts. A message from outside that claims to be from inside is a
warning sign, and so is a reply-to address that differs from the sender.

Hover over a link (or press and hold on a phone) and read where it really leads. A link whose
text says one site but goes to another, a misspelt company name, or a long string of letters
and numbers in place of a name are all signs of phishing.

Urgency is the phisher's favourite tool: an overdue invoice, a locked mailbox, a payslip you
must confirm today. Slow down. Nobody here will ever ask for your password by email.

Never type your password or customer data into a page you reached from an email. Open the
service the way you always do instead.

If in doubt, report it: use the report button in your portal or forward the message to the
report address. Reporting is never a bother, and a quick report protects your colleagues too.
""",
}


class TrainingError(ValueError):
    """A training action that is not allowed (not the person's own assignment)."""


def builtin_module() -> TrainingModule:
    """The module a campaign assigns when it names none (created the first time)."""
    module, _ = TrainingModule.objects.get_or_create(code=BUILTIN_CODE, defaults=BUILTIN)
    return module


def paragraphs(module: TrainingModule) -> list[str]:
    """The module's text as paragraphs (blank-line separated), for the template to escape."""
    return [" ".join(block.split()) for block in module.body.split("\n\n") if block.strip()]


def assign_for(target: CampaignTarget | None, *, reason: str) -> TrainingAssignment | None:
    """Assign the campaign's module to the target's person after a click or submission, as
    the campaign says; the new assignment, or None (no person, not this campaign's rule, or
    assigned already)."""
    if target is None or target.person_id is None:
        return None
    campaign: Campaign = target.campaign
    rule = campaign.assign_training
    if rule == AssignTrainingChoices.NONE or (
            rule == AssignTrainingChoices.SUBMITTED and reason != TrainingReasonChoices.SUBMITTED):
        return None
    module = campaign.training_module or builtin_module()
    with transaction.atomic():
        assignment, created = TrainingAssignment.objects.get_or_create(
            person_id=target.person_id, module=module, target=target,
            defaults={"reason": reason, "due_at": timezone.now() + timedelta(days=DUE_DAYS)})
        if not created:
            return None
        record("mail.training_assign", target_type="mail.trainingassignment",
               target_id=str(assignment.pk), person=target.person_id, module=module.code,
               campaign=campaign.pk, reason=reason)
    return assignment


def assign_results(campaign: Campaign, *, actor: str, request: Any = None) -> int:
    """Assign training to everyone whose click or submission counted and has none yet (for a
    campaign whose rule or module changed after the fact); the number assigned."""
    assigned = 0
    for target in campaign.targets.filter(clicked_at__isnull=False).select_related("campaign"):
        reason = (TrainingReasonChoices.SUBMITTED if target.submitted_at
                  else TrainingReasonChoices.CLICKED)
        assigned += assign_for(target, reason=reason) is not None
    record("mail.training_assign", actor=actor, target_type="mail.campaign",
           target_id=str(campaign.pk), request=request, assigned=assigned, backfill=True)
    return assigned


def complete(assignment: TrainingAssignment, *, user: Any, request: Any = None) -> bool:
    """The person marks their own module complete; whether it changed (done once)."""
    person_id = getattr(getattr(user, "account", None), "person_id", None)
    if person_id is None or person_id != assignment.person_id:
        raise TrainingError("this training is not assigned to you")
    with transaction.atomic():
        done = TrainingAssignment.objects.filter(
            pk=assignment.pk, completed_at__isnull=True).update(completed_at=timezone.now())
        if done:
            record("mail.training_complete", actor=user.get_username(),
                   target_type="mail.trainingassignment", target_id=str(assignment.pk),
                   request=request, module=assignment.module.code)
    assignment.refresh_from_db()
    return bool(done)
