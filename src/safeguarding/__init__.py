"""Safeguarding Hub: multi-agency data for safeguarding young people from exploitation."""
