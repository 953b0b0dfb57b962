"""History in DuckDB: the loader (etl), the warehouse schema, read-only queries, exports and staffing."""
