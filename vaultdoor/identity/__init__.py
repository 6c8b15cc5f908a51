"""Workforce identity: accounts and roles, password policy, second factors, lockout, sessions
and API tokens (issue 4, items 1-4). See docs/identity.md."""
