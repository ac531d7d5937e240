"""Operations: backup and restore of a whole instance (database + uploaded files)."""
