"""Database backends for the test suite only (``luoshi.config.test_settings`` picks them)."""
