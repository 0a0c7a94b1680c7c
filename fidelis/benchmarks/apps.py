from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    name = "fidelis.benchmarks"
    label = "benchmarks"
    verbose_name = "Benchmarks"
