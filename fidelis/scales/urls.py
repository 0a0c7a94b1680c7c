from django.urls import path

from fidelis.scales import views

urlpatterns = [
    path("scales/", views.scale_list, name="scale_list"),
    path("scales/<slug:slug>/<str:version>/", views.scale_detail, name="scale"),
    path("scales/<slug:slug>/<str:version>/download/", views.scale_download, name="scale_download"),
    path(
        "scales/<slug:slug>/<str:version>/items/<int:number>/", views.item_detail, name="scale_item"
    ),
]
