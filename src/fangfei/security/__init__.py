"""Keys, encryption, password hashing and rate limiting."""
