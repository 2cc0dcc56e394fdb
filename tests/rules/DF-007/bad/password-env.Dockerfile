# ENV values are in the image config: anyone who can pull the image reads them.
FROM registry.example.com/base/postgres:16.3
ENV POSTGRES_PASSWORD=changeme
USER postgres
