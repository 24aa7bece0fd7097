"""Clusters, schools, agencies and people, and the admin screens that manage them."""
