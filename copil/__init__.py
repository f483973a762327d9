"""Copil: the information system of a local anti-drug action plan."""
