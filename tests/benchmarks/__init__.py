"""The benchmarks' smoke runs and their generators (run alone: serial)."""
