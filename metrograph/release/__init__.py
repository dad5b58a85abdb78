"""Releases: the folders a build writes (the only writer of a store) and which one is current."""
