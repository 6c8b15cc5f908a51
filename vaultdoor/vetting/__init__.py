"""Background checks (vetting) and the employment lifecycle: checks, findings, individualised
adjudication, adverse action, rescreening, onboarding checklists and one-action termination.

A person's effective vetting is computed from their checks and written to the `people.Person`
fields the access engine reads, so the next door decision (and the customer-data vault, through
`vaultdoor.vetting.services.is_cleared`) sees it at once.
"""
