"""Protecting the record: who may reach what, the audit trail, retention and carer share links."""
