"""Words in Dutch and English: one voice, translated, and forms that round-trip."""
