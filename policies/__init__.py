"""Who may do what (casbin: role x resource x action) and where (the region scope, as SQL and as a check)."""
