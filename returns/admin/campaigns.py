"""Admin for campaigns, FOI requests, correspondence and the deadline tables."""
