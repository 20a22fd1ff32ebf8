"""Benchmarks that print figures: a generated local news site, its server, the crawl bench."""
