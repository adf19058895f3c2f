"""Benchmark only (``BENCH_COUNT_QUERIES=1``): the application's URLs plus the floor page."""

from django.urls import path

from config.urls import urlpatterns as application

from . import views

urlpatterns = [path("bench/floor/", views.floor, name="bench_floor"), *application]
