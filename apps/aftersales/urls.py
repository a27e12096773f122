from django.urls import path

from apps.aftersales import views

app_name = "aftersales"

urlpatterns = [
    path("orders/<str:number>/returns/new/", views.return_request_new, name="return_new"),
    path(
        "orders/<str:number>/returns/<str:return_number>/",
        views.return_request_detail,
        name="return_detail",
    ),
    path(
        "orders/<str:number>/returns/<str:return_number>/withdraw/",
        views.return_request_withdraw,
        name="return_withdraw",
    ),
    path(
        "orders/<str:number>/returns/<str:return_number>/photos/<int:photo_id>/",
        views.return_photo,
        name="return_photo",
    ),
]
