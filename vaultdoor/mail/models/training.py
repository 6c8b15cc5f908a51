"""Awareness training: short lessons, and who was assigned which (after a campaign click or
submission) and when they completed it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from ..choices import TrainingReasonChoices

__all__ = ["TrainingAssignment", "TrainingModule"]


class TrainingModule(models.Model):
    """A short lesson a person reads in the self-service portal and marks complete.

    `body` is plain text; a blank line starts a new paragraph (never rendered as HTML)."""

    code = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    minutes = models.PositiveSmallIntegerField(default=5, help_text="About how long it takes.")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from ..library import check_training_module

        check_training_module(code=self.code, title=self.title, body=self.body,
                              summary=self.summary, minutes=self.minutes or 0)


class TrainingAssignment(models.Model):
    """One person asked to take one module, why (a campaign click or submission, or by hand),
    by when, and when they completed it."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE,
                               related_name="training_assignments")
    module = models.ForeignKey(TrainingModule, on_delete=models.PROTECT,
                               related_name="assignments")
    target = models.ForeignKey("mail.CampaignTarget", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="training_assignments",
                               help_text="The campaign result that led to it.")
    reason = models.CharField(max_length=20, choices=TrainingReasonChoices.choices)
    assigned_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["completed_at", "-assigned_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "module", "target"],
                                    name="mail_training_unique_per_result"),
        ]
        indexes = [models.Index(fields=["person", "completed_at"], name="mail_training_person")]

    def __str__(self) -> str:
        return f"{self.module} for {self.person}"

    @property
    def overdue(self) -> bool:
        return (self.completed_at is None and self.due_at is not None
                and self.due_at < timezone.now())
