"""Every auditable action, in one list: `record()` refuses a name that is not here.

Names are dotted, `<area>.<verb>`, as a security manager would read them in the event log. To add
one, add a line here (with what it means); nothing else needs to change.
"""

from __future__ import annotations

__all__ = ["ACTIONS", "UnknownAuditAction", "validate_action"]


class UnknownAuditAction(ValueError):
    """An audit event named an action that `vaultdoor/audit/actions.py` does not list."""


ACTIONS: dict[str, str] = {
    # physical access
    "access.decision": "a door decided on a presentation (grant, deny or pending)",
    "access.override": "an operator opened or locked a door by hand",
    # sites and the people in them
    "site.import": "a site file was imported (with counts of what changed)",
    "site.export": "a site was exported to a file",
    "site.change": "a site object was created, changed or deactivated outside an import",
    "person.change": "a person, card, PIN or biometric was created, changed or deactivated",
    "demo.seed": "the demo contact centre was seeded",
    # identity and the console
    "auth.login": "a user logged in",
    "auth.login_failed": "a login attempt failed",
    "auth.logout": "a user logged out",
    "auth.user_created": "a console user account was created",
    "auth.password_reset": "a user's password was reset by an administrator or a command",
    "auth.permission_denied": "a user was refused a page or an API call",
    "auth.csrf_refused": "a form or session API call came without this site's CSRF token "
                         "(expired, or sent from another site; at most 10 events a minute per "
                         "address, the rest logged)",
    "auth.enrolled": "a new account holder set their first password through an enrolment link",
    "auth.enrolment_link": "a one-time enrolment link was issued for an account",
    "auth.enrolment_link_refused": "an unknown, used or expired enrolment link was opened "
                                   "(at most 10 events a minute per address; the rest logged)",
    "auth.locked": "a user id was locked after too many failed attempts",
    "auth.throttled": "a client address was slowed down after many failed attempts",
    "auth.second_factor_failed": "a second-factor code or passkey was refused",
    "auth.second_factor_verified": "a sign-in passed its second factor (and how)",
    "auth.second_factor_added": "a TOTP authenticator or passkey was enrolled",
    "auth.second_factor_removed": "a TOTP authenticator or passkey was removed",
    "auth.second_factors_reset": "every second factor of an account was removed by an "
                                 "administrator (the next sign-in enrols anew)",
    "auth.recovery_code_used": "a single-use recovery code was spent",
    "auth.recovery_codes_issued": "a new set of recovery codes was issued",
    "auth.step_up": "a user proved a second factor again for a sensitive action",
    "auth.password_changed": "a user changed their password",
    "auth.session_expired": "a session ended: idle, past its limit, or logged out elsewhere",
    "auth.logout_everywhere": "every session of an account was ended",
    "auth.token_created": "an API token was created",
    "auth.token_revoked": "an API token was revoked",
    "auth.token_refused": "an API request came with an unknown, expired or revoked token "
                          "(at most 10 events a minute per address; the rest are logged)",
    "auth.role_changed": "an administrator changed an account's role (sessions end when it "
                         "loses permissions)",
    "auth.account_disabled": "an administrator disabled an account (its sessions, API tokens "
                             "and enrolment links ended)",
    "auth.account_enabled": "an administrator enabled a disabled account again",
    "auth.unlocked": "an administrator lifted a lockout",
    "admin.add": "an object was added through the Django admin",
    "admin.change": "an object was changed through the Django admin",
    "admin.delete": "an object was deleted through the Django admin",
    # vetting (background checks) and the lifecycle of people
    "vetting.check_recorded": "a background check was requested or entered by hand",
    "vetting.check_imported": "a background check was imported (CSV file or provider webhook)",
    "vetting.finding_recorded": "a background-check finding was recorded",
    "vetting.finding_withdrawn": "a background-check finding recorded in error was withdrawn",
    "vetting.adjudicated": "an individualised review cleared a check or found it adverse",
    "vetting.pre_adverse_notice": "a pre-adverse notice was sent; the waiting period started",
    "vetting.adverse_final": "the final decision of an adverse action was made",
    "vetting.status_changed": "a person's effective vetting changed (doors and vault follow)",
    "vetting.import": "a CSV file of background checks was imported",
    "vetting.webhook": "a provider webhook delivery was accepted",
    "vetting.webhook_refused": "a provider webhook delivery was refused (signature, replay)",
    "lifecycle.onboarding": "an onboarding step was ticked off or reopened for a person",
    "lifecycle.terminate": "a person was terminated (their revocations share its correlation id)",
    "lifecycle.credentials_revoked": "a terminated person's badges, PINs, biometrics were revoked",
    "lifecycle.access_revoked": "a terminated person's own access levels were removed",
    "lifecycle.account_disabled": "a terminated person's console account was disabled",
    "lifecycle.sessions_ended": "a terminated person's console sessions were ended",
    "lifecycle.tokens_revoked": "a terminated person's API tokens were revoked",
    "lifecycle.second_factors_removed": "a terminated person's second factors were removed",
    "lifecycle.kept_terminated": "a save tried to reactivate a terminated person; refused",
    # door controllers at the edge
    "edge.enrol": "a door controller was enrolled",
    "edge.snapshot": "a compiled snapshot was pushed to a door controller",
    "edge.event": "a door controller reported an event (reader, door or alarm)",
    "controller.add": "a door controller was added (an enrolment code was issued)",
    "controller.change": "a door controller's doors or settings were changed",
    "controller.code": "a one-time enrolment code was issued for a door controller",
    "controller.revoke": "a door controller and its credentials were revoked",
    "controller.event_refused": "a door controller sent events for a door it does not drive "
                                "(acknowledged, not stored as door events; door and count kept)",
    "alarm.raise": "an alarm was raised by a door controller (door forced, held open, spool)",
    "alarm.acknowledge": "an operator acknowledged an alarm",
    "alarm.clear": "an operator cleared an alarm",
    # customer-data vault
    "vault.customer_created": "a customer record was created (encrypted; no values logged)",
    "vault.import": "a CSV file of customers was imported (counts per queue)",
    "vault.reveal": "one field of one customer was shown in clear (who, which, why)",
    "vault.reveal_refused": "a reveal or export was refused (which condition was missing)",
    "vault.bulk_reveal_alarm": "too many customers revealed in an hour: alert, right suspended",
    "vault.reveal_restored": "a supervisor restored a suspended reveal right",
    "vault.export": "a subject-access export of one customer was made",
    "vault.erase": "a customer was erased by destroying their data key (crypto-shredding)",
    "vault.rotate": "every customer data key was re-wrapped under the newest vault key",
    "vault.key_retired": "a vault key version was retired for good (key file destroyed)",
    "vault.alert_acknowledged": "a supervisor acknowledged a bulk-reveal alert",
    "vault.queue_created": "a queue or campaign of customers was created (vaultdoor vault queue)",
    "vault.queue_assigned": "agents or supervisors were given a queue's customers",
    # mail defence
    "mail.scan": "a message was scanned",
    "mail.quarantine": "a message was quarantined",
    "mail.release": "a quarantined message was released",
    "mail.delete": "a quarantined message was deleted",
    "mail.queue_retry": "a message the next hop refused for good was put back in the queue",
    "mail.queue_delete": "a message the next hop refused for good was deleted from the queue",
    "mail.report": "someone reported a message as suspicious (forward or one click)",
    "mail.triage": "the security team triaged a reported message",
    "mail.campaign_create": "an awareness campaign was created (with its targets)",
    "mail.campaign_schedule": "an awareness campaign was scheduled to send",
    "mail.campaign_start": "an awareness campaign started sending",
    "mail.campaign_finish": "an awareness campaign sent to its last target",
    "mail.campaign_cancel": "an awareness campaign was cancelled",
    "mail.campaign_retry": "unconfirmed sends of a campaign were released to be tried again",
    "mail.campaign_export": "an awareness campaign's report was exported (CSV or PDF)",
    "mail.exercise_passed": "the gateway passed an awareness-campaign message on unchanged",
    "mail.landing_page_change": "a campaign landing page was created or changed",
    "mail.landing_page_delete": "a campaign landing page no campaign used was deleted",
    "mail.message_template_change": "a campaign message template was created or changed",
    "mail.message_template_delete": "a message template no campaign used was deleted",
    "mail.sending_profile_change": "a campaign's SMTP sending profile was created or changed",
    "mail.sending_profile_delete": "an SMTP sending profile no campaign used was deleted",
    "mail.training_assign": "training was assigned to someone (after a campaign click or submit)",
    "mail.training_complete": "someone marked an assigned training module complete",
    "mail.training_module_change": "a training module was created or changed",
    "mail.training_module_delete": "a training module nobody was assigned was deleted",
    # the audit log itself
    "audit.checkpoint": "a signed checkpoint of the audit chain was made",
    "audit.export": "the audit log was exported",
    "audit.verify": "the audit chain was verified",
}


def validate_action(action: str) -> str:
    """Return `action` if it is listed, else raise `UnknownAuditAction` naming the fix."""
    if action not in ACTIONS:
        raise UnknownAuditAction(
            f"unknown audit action {action!r}: add it to vaultdoor/audit/actions.py"
        )
    return action
