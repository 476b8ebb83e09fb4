"""Analysis domain: statistics computed over the marts (scn.analysis and geo do the work)."""
