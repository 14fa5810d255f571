"""Maintainer tools for the course (not installed with helpers)."""
