"""Ingestion: discover → sniff → load → structure → chunk → screen → embed → index, as small typed stages."""
