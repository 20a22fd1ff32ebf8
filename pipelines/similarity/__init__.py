"""Duplicate detection: exact text fingerprints and a MongoDB-backed near-duplicate index.

Scrapy-free: :mod:`.fingerprint` normalizes text and hashes it, :mod:`.sketch` turns text
into a MinHash sketch with banded LSH keys and decides whether two sketches are copies of one
story, :mod:`.index` stores sketches and band keys in MongoDB and answers lookups.
"""
