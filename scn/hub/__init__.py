"""The Online Hub: city profiles, the resource library and the audit log of staff changes (issue 22)."""
