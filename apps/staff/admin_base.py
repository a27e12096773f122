"""Pieces shared by the back office's ModelAdmins: amounts in yuan, and change pages that
offer "Save" only when something on them can be changed."""

from django.contrib import admin
from django.utils.translation import get_language

from apps.core.money import format_cny


def money_display(model, field: str):
    """An amount field shown as ¥1,234.00 (a list column or a read-only field), labelled and
    sorted as the field itself: `total_display = money_display(Order, "total_amount")`."""

    @admin.display(description=model._meta.get_field(field).verbose_name, ordering=field)
    def display(model_admin, obj) -> str:
        amount = getattr(obj, field)
        return "" if amount is None else format_cny(amount, get_language())

    return display


def has_editable_fields(context) -> bool:
    """Whether a change page has any field to fill in: its own form or an inline's forms
    (including the blank form an inline adds rows with)."""
    if context["adminform"].form.visible_fields():
        return True
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        forms = [*formset.forms, *([formset.empty_form] if inline.has_add_permission else [])]
        if any(form.visible_fields() for form in forms):
            return True
    return False


class ReadOnlyPageMixin:
    """A change page where every field is read-only (an order, a return request, whose
    changes go through their own buttons) shows "Close" instead of "Save" buttons that
    would save nothing, whatever the staff member's permissions."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and not has_editable_fields(context):
            context.update(
                show_save=False, show_save_and_continue=False, show_save_and_add_another=False
            )
        return super().render_change_form(request, context, add, change, form_url, obj)
