"""Privacy: what leaves the vault and how the user takes their data with them."""
