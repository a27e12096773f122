from django.urls import path

from apps.orders import views

app_name = "orders"

urlpatterns = [
    path("checkout/", views.checkout, name="checkout"),
    path("checkout/review/", views.review, name="review"),
    path("checkout/place/", views.place, name="place"),
    path("orders/", views.my_orders, name="mine"),
    path("orders/lookup/", views.lookup, name="lookup"),
    path("orders/<str:number>/", views.order_detail, name="detail"),
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
    path("payments/simulator/<str:number>/", views.payment_simulator, name="payment_simulator"),
]
