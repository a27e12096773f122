from django.utils.html import strip_tags


def visible_text(response) -> str:
    """A page's words as a shopper reads them: prices are marked up in parts
    ("<span>¥</span>399<span>.00</span>") that read as one "¥399.00"."""
    return strip_tags(response.content.decode())
