# Names that only contain a secret word are not secrets: TOKENIZERS_PARALLELISM is a
# Hugging Face setting. An empty value holds nothing.
FROM registry.example.com/base/python:3.12-slim
ENV TOKENIZERS_PARALLELISM=false \
    PASSWORD_MIN_LENGTH=12 \
    SMTP_PASSWORD=""
USER 10001
