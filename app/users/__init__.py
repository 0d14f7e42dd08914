"""Accounts, sessions, roles and API tokens."""
