"""Pure values and rules of backdev: standard library only, no I/O."""
