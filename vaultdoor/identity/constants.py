"""Numbers of the identity policy, each with the rule it comes from."""

import datetime as dt

# PCI DSS 4.0.1 8.3.4: lock a user id after at most 10 failed attempts, for at least 30 minutes.
LOCKOUT_THRESHOLD = 10
LOCKOUT_DURATION = dt.timedelta(minutes=30)
# Failures older than this no longer count toward a lock.
FAILURE_WINDOW = dt.timedelta(minutes=30)

# Per-address throttle: a burst of failures is free, then one more every few seconds. It slows
# guessing from one address but never shuts out a call floor behind one NAT address.
ADDRESS_BURST = 30
ADDRESS_REFILL = dt.timedelta(seconds=2)

# PCI DSS 8.2.8: re-authenticate after 15 idle minutes; an absolute limit of one long shift.
SESSION_IDLE = dt.timedelta(minutes=15)
SESSION_ABSOLUTE = dt.timedelta(hours=12)
# Seconds between writes of the last-seen time (idle time is measured to the minute).
SESSION_TOUCH = 60

# Between the password and the second factor.
PENDING_LOGIN = dt.timedelta(minutes=5)

# Step-up for sensitive actions: a second factor within the last 15 minutes.
STEP_UP = dt.timedelta(minutes=15)

TOTP_DIGITS = 6
TOTP_PERIOD = 30
TOTP_WINDOW = 1  # steps either side: clocks drift, people type slowly
RECOVERY_CODES = 10

ENROLMENT_LINK_LIFETIME = dt.timedelta(days=3)
API_TOKEN_LIFETIME = dt.timedelta(days=90)
API_TOKEN_MAX_LIFETIME = dt.timedelta(days=366)

# Session keys, all under one prefix.
SESSION_PENDING = "identity.pending"
SESSION_AUTH_AT = "identity.auth_at"
SESSION_LAST_SEEN = "identity.last_seen"
SESSION_MUST_CHANGE = "identity.must_change"
SESSION_SECOND_FACTOR_AT = "identity.second_factor_at"
SESSION_WEBAUTHN = "identity.webauthn_state"
SESSION_RECOVERY_CODES = "identity.new_recovery_codes"
