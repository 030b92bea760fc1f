"""Identity of the compiled case format, shared by the compiler and every player."""

FORMAT = "tidlig-og-sammen/sak"
FORMAT_VERSION = 1
