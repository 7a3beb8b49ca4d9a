"""A haystack search engine kept in the shop's own PostgreSQL database.

``[shop] search_backend = "postgres"``: every shop server and worker reads and
writes one index, a table beside the catalogue, with no search service to run.
Oscar's search and browse views and haystack's signal processor use it through
haystack like any other engine (see docs/storefront.md, "Search").
"""
