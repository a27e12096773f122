"""Reading an admin page's forms back as the POST data a browser would send unchanged, so a
test states only what the operator changes."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile
from PIL import Image


def _field_values(form) -> dict:
    data = {}
    for name in form.fields:
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None or isinstance(value, FieldFile):
            continue
        if isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        else:
            data[key] = str(value)
    return data


def change_form_data(response) -> dict:
    """The main form and every inline formset (management forms included) of a change page."""
    data = _field_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_field_values(formset.management_form))
        for form in formset.forms:
            data.update(_field_values(form))
    return data


def form_data(form) -> dict:
    """An unbound form's initial values, as POST data."""
    return _field_values(form)


def staff_client(client, user):
    """The test client logged in as this user. The back office speaks the staff member's
    language; the test client chooses none, so pages are in the shop's default language and
    tests compare messages with gettext of their English source."""
    client.force_login(user)
    return client


def image_upload(
    name: str = "photo.jpg", image_format: str = "JPEG", size: tuple[int, int] = (300, 300)
) -> SimpleUploadedFile:
    """A picture as a browser uploads it."""
    buffer = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")
