"""Operations: notifications and retention."""
