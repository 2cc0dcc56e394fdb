# The final stage has no USER of its own, so the user comes from the stage it is built
# FROM: USER root there is carried into the image.
FROM registry.example.com/base/python:3.12-slim AS base
USER root
RUN pip install --no-cache-dir gunicorn==22.0.0

FROM base
COPY app/ /srv/app/
CMD ["gunicorn", "app:wsgi"]
