from django.urls import path

from fidelis.reviews import views

urlpatterns = [
    path("reviews/", views.review_list, name="review_list"),
    path("programmes/<slug:slug>/reviews/new/", views.review_plan, name="review_plan"),
    path("programmes/<slug:slug>/agreement/", views.agreement_page, name="agreement"),
    path("reviews/<int:pk>/", views.review_detail, name="review"),
    path("reviews/<int:pk>/advance/", views.review_advance, name="review_advance"),
    path("reviews/<int:pk>/plan/", views.review_change_plan, name="review_change_plan"),
    path("reviews/<int:pk>/preparation/new/", views.preparation_add, name="preparation_add"),
    path(
        "reviews/<int:pk>/preparation/<int:item_id>/",
        views.preparation_toggle,
        name="preparation_toggle",
    ),
    path("reviews/<int:pk>/routine-data/", views.routine_data, name="routine_data"),
    path("reviews/<int:pk>/focus/", views.review_focus, name="review_focus"),
    path("reviews/<int:pk>/rate/", views.rate_index, name="rate_index"),
    path("reviews/<int:pk>/rate/submit/", views.rate_submit, name="rate_submit"),
    path("reviews/<int:pk>/rate/<int:number>/", views.rate_item, name="rate_item"),
    path("reviews/<int:pk>/consensus/", views.consensus_index, name="consensus_index"),
    path("reviews/<int:pk>/consensus/<int:number>/", views.consensus_item, name="consensus_item"),
    path("reviews/<int:pk>/report/", views.review_report, name="review_report"),
    path("reviews/<int:pk>/report.pdf", views.review_report_pdf, name="review_report_pdf"),
    path(
        "reviews/<int:pk>/report/recommendations/",
        views.review_recommendations,
        name="review_recommendations",
    ),
    path("reviews/<int:pk>/finalise/", views.review_finalise, name="review_finalise"),
]
