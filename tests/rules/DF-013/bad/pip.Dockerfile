# python -m pip is pip.
FROM registry.example.com/base/python:3.12-slim
RUN python3 -m pip install --no-cache-dir requests
