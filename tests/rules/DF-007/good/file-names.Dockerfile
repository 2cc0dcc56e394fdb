# *_FILE and *_PATH variables name where a secret is mounted, not the secret.
FROM registry.example.com/base/postgres:16.3
ENV POSTGRES_PASSWORD_FILE=/run/secrets/db_password \
    TLS_PRIVATE_KEY_PATH=/run/secrets/tls.key
USER postgres
