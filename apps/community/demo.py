def load_help_pages() -> int:
    return 0
