"""The Puppet Enterprise APIs as a plain Python library (no Django imports here)."""
