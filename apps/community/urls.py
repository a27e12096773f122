from django.urls import path

from apps.community import views

app_name = "community"

urlpatterns = [
    path("", views.help_index, name="help_index"),
    path("<slug:slug>/", views.help_page, name="help_page"),
]
