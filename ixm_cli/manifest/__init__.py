"""Manifest v1: loading, merging (extends, environments), rules and the resolved brand."""
