"""REST representations of the mail records (never the message bytes)."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Campaign, LinkClick, PhishReport, QuarantinedMessage

__all__ = ["CampaignSerializer", "LinkClickSerializer", "PhishReportSerializer",
           "QuarantinedMessageSerializer"]


class QuarantinedMessageSerializer(serializers.ModelSerializer):
    handled_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = QuarantinedMessage
        fields = ["id", "ref", "envelope_sender", "recipients", "from_header", "subject",
                  "message_id", "verdict", "score", "reason", "scan", "size", "received_at",
                  "status", "handled_by", "handled_at"]


class PhishReportSerializer(serializers.ModelSerializer):
    person = serializers.SlugRelatedField(slug_field="code", read_only=True)
    triaged_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    seconds_to_report = serializers.FloatField(read_only=True, allow_null=True)

    class Meta:
        model = PhishReport
        fields = ["id", "reporter", "person", "channel", "ref", "sender", "subject",
                  "message_id", "verdict", "score", "delivered_at", "reported_at",
                  "seconds_to_report", "status", "triaged_by", "triaged_at"]


class LinkClickSerializer(serializers.ModelSerializer):
    person = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = LinkClick
        fields = ["id", "ref", "recipient", "person", "url", "host", "kind", "risky", "reasons",
                  "seconds_after_delivery", "at"]


class CampaignSerializer(serializers.ModelSerializer):
    """A campaign and its numbers (people only; scanners' fetches apart). Not the body, and
    not the targets: who clicked is in the console report and its audited exports."""

    landing_page = serializers.SlugRelatedField(slug_field="name", read_only=True)
    profile = serializers.SlugRelatedField(slug_field="name", read_only=True)
    summary = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = ["id", "name", "subject", "from_address", "status", "per_minute",
                  "scheduled_at", "started_at", "finished_at", "landing_page", "profile",
                  "track_opens", "assign_training", "created", "summary"]

    def get_summary(self, campaign: Campaign) -> dict[str, int]:
        from ..campaigns import campaign_summary

        return campaign_summary(campaign)
