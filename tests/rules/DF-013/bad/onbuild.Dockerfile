# ONBUILD RUN installs in every child image.
FROM registry.example.com/base/python:3.12-slim
ONBUILD RUN pip install --no-cache-dir flask
