"""Enterprises: applicant harmonisation and sectors, firm-year data, firm-level indices,
recognition rules (high-tech enterprises) and certificate register counts."""

from __future__ import annotations
