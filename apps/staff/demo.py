def load_staff() -> int:
    return 0
