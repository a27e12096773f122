def configured_gateways() -> dict:
    return {}
