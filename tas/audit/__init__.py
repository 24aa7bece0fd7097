"""The audit log: one function records, nothing changes or deletes."""
