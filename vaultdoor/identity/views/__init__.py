"""Identity views: sign-in (password, second factor, forced enrolment), step-up, passkeys,
enrolment links and the self-service portal."""
