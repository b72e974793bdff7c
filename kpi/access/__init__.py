"""Who may do what (DESIGN section 10): users, roles scoped to units, and the audit log."""
