# The name says nothing, the value is an AWS access key ID.
FROM registry.example.com/base/python:3.12-slim
ENV UPLOAD_ID=AKIAIOSFODNN7EXAMPLE
USER 10001
