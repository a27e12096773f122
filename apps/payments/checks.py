from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def simulator_switched_off_in_production(app_configs, **kwargs):
    """The simulator marks orders paid without money: production settings refuse it."""
    if settings.PAYMENT_SIMULATOR and settings.SHOP_ENVIRONMENT == "production":
        return [
            checks.Error(
                "PAYMENT_SIMULATOR is on with production settings: anyone could pay for free.",
                hint="Unset PAYMENT_SIMULATOR; configure Alipay or WeChat Pay (README).",
                id="payments.E001",
            )
        ]
    return []
