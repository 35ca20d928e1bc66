"""Models that validate the playbook's knowledge files (one module per area of the playbook)."""
