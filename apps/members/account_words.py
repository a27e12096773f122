"""Words of the account pages that django-allauth draws, as the shop says them: "邮箱" rather
than "Email", Chinese punctuation, and the header's own "Log in" / "Sign up". Listed here so
`make messages` keeps them in the shop's catalogs, which Django reads before allauth's own."""

from django.utils.translation import gettext_noop

ACCOUNT_WORDS = [
    gettext_noop("The password reset token was invalid."),
    gettext_noop("Username or email"),
    gettext_noop("Your account has no verified email address."),
    gettext_noop("Email Addresses"),
    gettext_noop("The following email addresses are associated with your account:"),
    gettext_noop("Primary"),
    gettext_noop("Re-send Verification"),
    gettext_noop("Add Email Address"),
    gettext_noop("Add Email"),
    gettext_noop("Do you really want to remove the selected email address?"),
    gettext_noop("Hello from %(site_name)s!"),
    gettext_noop("Email Changed"),
    gettext_noop("Your email has been confirmed."),
    gettext_noop("Email Confirmation"),
    gettext_noop("Please Confirm Your Email Address"),
    gettext_noop("Email address %(deleted_email)s has been removed from your account."),
    gettext_noop("Email Removed"),
    gettext_noop("Email Address"),
    gettext_noop("Current email"),
    gettext_noop("Change Email"),
    gettext_noop("Confirm Email Address"),
    gettext_noop("You cannot remove your primary email address (%(email)s)."),
    gettext_noop("You have confirmed %(email)s."),
    gettext_noop("Removed email address %(email)s."),
    gettext_noop("Primary email address set."),
    gettext_noop("Bad Token"),
    gettext_noop("Enter your password:"),
    gettext_noop("Verify Your Email Address"),
    gettext_noop("Sign In"),
    gettext_noop("Sign Up"),
    gettext_noop("Sign Out"),
]
