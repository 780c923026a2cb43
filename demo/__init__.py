"""A tool, not the product: `seed_demo` and the county's demo data, loaded for local runs only."""
