FROM scratch
COPY app /app
USER 10001
