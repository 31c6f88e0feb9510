"""The built-in quality gates: one module (or subpackage) each, independent of each other."""
