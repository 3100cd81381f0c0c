"""Returns files and helpers shared by the import tests."""
