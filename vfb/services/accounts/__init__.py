"""Accounts: teams and users, signing in and out."""
