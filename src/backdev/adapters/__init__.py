"""The only code that touches files, subprocesses, the network or third-party libraries."""
