"""Reporting discipline: validation rules on values, approval and locking, the reporting calendar."""
