"""Shipped catalogs (package data; a scrapyd egg carries them)."""
