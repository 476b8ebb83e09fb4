"""Speech analysis tables: correlations, alerts, risk, classifier coverage and evaluation."""
