# EXPOSE in the stage the image is built FROM is part of the image.
FROM registry.example.com/base/debian:12.6 AS base
EXPOSE 22

FROM base
EXPOSE 8080
