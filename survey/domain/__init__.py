"""The domain: the rules, the figures, sync, review, imports. It knows nothing of requests or pages."""
