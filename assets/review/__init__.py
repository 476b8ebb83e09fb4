"""The review domain: accuracy measured on reviewed posts, error rates and adjusted counts, as lake tables."""
