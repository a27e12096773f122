def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")
