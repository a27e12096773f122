def load_members() -> int:
    return 0
