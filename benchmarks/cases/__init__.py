"""The cases `make bench` measures, by kind: pages (every size in turn), exports (against psql
running the same statements) and the application served by gunicorn (throughput, a download
under a short worker time-out). Each returns its `Result` and prints it as it comes."""
