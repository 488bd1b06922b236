"""Cloud collectors: plain Python, no Django.

Each collector turns a cloud SDK's responses into ResourceRecord objects; the registry maps a
provider to its collectors and a resource type key to its normalization spec.
"""
