# PIP_NO_CACHE_DIR set by ENV in the stage the image is built FROM, or on the command.
FROM registry.example.com/base/python:3.12-slim AS base
ENV PIP_NO_CACHE_DIR=1

FROM base
RUN pip install -r requirements.txt
RUN PIP_NO_CACHE_DIR=1 pip install gunicorn==22.0.0
