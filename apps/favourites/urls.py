from django.urls import path

from apps.favourites import views

app_name = "favourites"

urlpatterns = [
    path("", views.favourite_list, name="list"),
    path("add/", views.favourite_add, name="add"),
    path("save/", views.favourite_confirm, name="confirm"),
    path("remove/", views.favourite_remove, name="remove"),
    path("toggle/", views.favourite_toggle, name="toggle"),
    path("resume/", views.favourite_resume, name="resume"),
]
