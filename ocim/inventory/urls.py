from django.urls import include, path

app_name = "inventory"

urlpatterns = [
    path("", include("ocim.inventory.urls_directory")),
]
