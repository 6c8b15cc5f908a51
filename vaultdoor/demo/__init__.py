"""The demo contact centre: seeding and a replayed day of swipes."""
