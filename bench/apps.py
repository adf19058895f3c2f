from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The group-scale data generator and the benchmark (issue 7). No models."""

    name = "bench"
    verbose_name = "Benchmark"
