"""The `vfb` command line."""
