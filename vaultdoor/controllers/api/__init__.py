"""The controllers' REST API: enrol, snapshot, deltas (long-poll), events, heartbeat."""
