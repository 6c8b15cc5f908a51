"""Door controllers at the edge: enrolment, credentials, signed snapshots, events and alarms."""
